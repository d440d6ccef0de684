#include "csigning.h"

#include <dlfcn.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/ts.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <p11-kit/pkcs11.h>

struct bc_signer {
  int kind;
  int bits;
  EVP_PKEY *key;  // software key, or NULL for a token key
  // PKCS#11
  void *module;
  CK_FUNCTION_LIST_PTR p11;
  CK_SESSION_HANDLE session;
  CK_OBJECT_HANDLE key_handle;
  int initialized;  // this signer started the module (and finalizes it)
  // DER certificates, the signer's first
  int cert_count;
  uint8_t **certs;
  size_t *cert_lengths;
};

static void put(char *err, size_t errlen, const char *what) {
  if (err && errlen) snprintf(err, errlen, "%s", what);
}

/// The message of OpenSSL's oldest queued error, after what we were doing.
static void put_ssl(char *err, size_t errlen, const char *what) {
  unsigned long code = ERR_get_error();
  char reason[256] = "";
  if (code) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  if (err && errlen) snprintf(err, errlen, "%s%s%s", what, code ? ": " : "", reason);
}

static int add_cert(bc_signer *s, X509 *cert) {
  unsigned char *der = NULL;
  int n = i2d_X509(cert, &der);
  if (n <= 0) return 0;
  uint8_t **certs = realloc(s->certs, sizeof(uint8_t *) * (size_t)(s->cert_count + 1));
  size_t *lengths = realloc(s->cert_lengths, sizeof(size_t) * (size_t)(s->cert_count + 1));
  if (certs) s->certs = certs;
  if (lengths) s->cert_lengths = lengths;
  if (!certs || !lengths) { OPENSSL_free(der); return 0; }
  s->certs[s->cert_count] = der;
  s->cert_lengths[s->cert_count] = (size_t)n;
  s->cert_count++;
  return 1;
}

static int classify(bc_signer *s, EVP_PKEY *key, char *err, size_t errlen) {
  s->bits = EVP_PKEY_get_bits(key);
  switch (EVP_PKEY_get_base_id(key)) {
  case EVP_PKEY_RSA:
    s->kind = BC_KEY_RSA;
    return 1;
  case EVP_PKEY_EC: {
    char group[64] = "";
    size_t glen = 0;
    if (EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &glen) && strcmp(group, "prime256v1") == 0) {
      s->kind = BC_KEY_EC_P256;
      return 1;
    }
    snprintf(err, errlen, "the key is an elliptic-curve key on %s; only P-256 (prime256v1) is supported", group[0] ? group : "an unnamed curve");
    return 0;
  }
  default:
    put(err, errlen, "the key is neither RSA nor ECDSA P-256");
    return 0;
  }
}

bc_signer *bc_signer_from_p12(const uint8_t *data, size_t length, const char *password, char *err, size_t errlen) {
  ERR_clear_error();
  const unsigned char *p = data;
  PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)length);
  if (!p12) { put_ssl(err, errlen, "not a PKCS#12 file"); return NULL; }
  if (PKCS12_mac_present(p12) && !PKCS12_verify_mac(p12, password, -1)) {
    PKCS12_free(p12);
    ERR_clear_error();
    put(err, errlen, "wrong password for the PKCS#12 file");
    return NULL;
  }
  EVP_PKEY *key = NULL;
  X509 *cert = NULL;
  STACK_OF(X509) *ca = NULL;
  if (!PKCS12_parse(p12, password, &key, &cert, &ca)) {
    PKCS12_free(p12);
    put_ssl(err, errlen, "the PKCS#12 file cannot be opened");
    return NULL;
  }
  PKCS12_free(p12);
  bc_signer *s = calloc(1, sizeof *s);
  int ok = s != NULL;
  if (ok && (!key || !cert)) { put(err, errlen, "the PKCS#12 file holds no private key with its certificate"); ok = 0; }
  if (ok && X509_check_private_key(cert, key) != 1) { put(err, errlen, "the PKCS#12 file's certificate is not the key's"); ok = 0; }
  if (ok) ok = classify(s, key, err, errlen);
  if (ok) ok = add_cert(s, cert);
  for (int i = 0; ok && ca && i < sk_X509_num(ca); i++) ok = add_cert(s, sk_X509_value(ca, i));
  X509_free(cert);
  sk_X509_pop_free(ca, X509_free);
  ERR_clear_error();
  if (!ok) { EVP_PKEY_free(key); bc_signer_free(s); return NULL; }
  s->key = key;
  return s;
}

// MARK: - PKCS#11

static const char *ckr_text(CK_RV rv) {
  switch (rv) {
  case CKR_PIN_INCORRECT: return "wrong PIN";
  case CKR_PIN_LOCKED: return "the PIN is locked";
  case CKR_PIN_EXPIRED: return "the PIN has expired";
  case CKR_TOKEN_NOT_PRESENT: return "no token in the slot";
  case CKR_DEVICE_ERROR: return "device error";
  case CKR_USER_ALREADY_LOGGED_IN: return "already logged in";
  case CKR_KEY_FUNCTION_NOT_PERMITTED: return "the key may not sign";
  case CKR_MECHANISM_INVALID: return "the token does not offer this mechanism";
  default: return NULL;
  }
}

static void put_ckr(char *err, size_t errlen, const char *what, CK_RV rv) {
  const char *t = ckr_text(rv);
  if (t) snprintf(err, errlen, "%s: %s", what, t);
  else snprintf(err, errlen, "%s: PKCS#11 error 0x%lx", what, (unsigned long)rv);
}

/// Whether a space-padded PKCS#11 label equals a C string.
static int label_is(const unsigned char *field, size_t width, const char *want) {
  size_t n = strlen(want);
  if (n > width) return 0;
  if (memcmp(field, want, n) != 0) return 0;
  for (size_t i = n; i < width; i++) if (field[i] != ' ' && field[i] != 0) return 0;
  return 1;
}

static int find_objects(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE session, CK_ATTRIBUTE *query, CK_ULONG count,
                        CK_OBJECT_HANDLE *found, CK_ULONG capacity, CK_ULONG *n) {
  *n = 0;
  if (f->C_FindObjectsInit(session, query, count) != CKR_OK) return 0;
  CK_RV rv = f->C_FindObjects(session, found, capacity, n);
  f->C_FindObjectsFinal(session);
  return rv == CKR_OK;
}

/// An attribute's value, allocated; NULL when the object has none.
static unsigned char *get_attribute(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                    CK_ATTRIBUTE_TYPE type, CK_ULONG *length) {
  CK_ATTRIBUTE a = {type, NULL, 0};
  if (f->C_GetAttributeValue(session, object, &a, 1) != CKR_OK || a.ulValueLen == (CK_ULONG)-1 || a.ulValueLen > (1u << 20))
    return NULL;
  unsigned char *value = malloc(a.ulValueLen ? a.ulValueLen : 1);
  if (!value) return NULL;
  a.pValue = value;
  if (f->C_GetAttributeValue(session, object, &a, 1) != CKR_OK) { free(value); return NULL; }
  *length = a.ulValueLen;
  return value;
}

bc_signer *bc_signer_from_pkcs11(const char *module, const char *token_label, const char *key_label,
                                 const char *pin, char *err, size_t errlen) {
  void *lib = dlopen(module, RTLD_NOW | RTLD_LOCAL);
  if (!lib) { snprintf(err, errlen, "cannot load the PKCS#11 module: %s", dlerror()); return NULL; }
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
  CK_FUNCTION_LIST_PTR f = NULL;
  if (!get || get(&f) != CKR_OK || !f) { put(err, errlen, "the library is not a PKCS#11 module (no C_GetFunctionList)"); dlclose(lib); return NULL; }
  // Workers of a batch may sign with two keys of one module at once: ask the module to lock.
  CK_C_INITIALIZE_ARGS args = {NULL, NULL, NULL, NULL, CKF_OS_LOCKING_OK, NULL};
  CK_RV rv = f->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) { put_ckr(err, errlen, "the PKCS#11 module did not start", rv); dlclose(lib); return NULL; }
  bc_signer *s = calloc(1, sizeof *s);
  if (!s) { if (rv == CKR_OK) f->C_Finalize(NULL); dlclose(lib); return NULL; }
  s->initialized = rv == CKR_OK;
  s->module = lib;
  s->p11 = f;
  s->session = CK_INVALID_HANDLE;

  CK_SLOT_ID slots[64];
  CK_ULONG slot_count = 64;
  if ((rv = f->C_GetSlotList(CK_TRUE, slots, &slot_count)) != CKR_OK) { put_ckr(err, errlen, "cannot list the token slots", rv); goto fail; }
  CK_SLOT_ID slot = 0;
  int found = 0;
  for (CK_ULONG i = 0; i < slot_count && !found; i++) {
    CK_TOKEN_INFO info;
    if (f->C_GetTokenInfo(slots[i], &info) == CKR_OK && label_is(info.label, sizeof info.label, token_label)) { slot = slots[i]; found = 1; }
  }
  if (!found) { snprintf(err, errlen, "no token labelled \"%s\" (%lu token(s) present)", token_label, (unsigned long)slot_count); goto fail; }
  if ((rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s->session)) != CKR_OK) { put_ckr(err, errlen, "cannot open a session on the token", rv); goto fail; }
  rv = f->C_Login(s->session, CKU_USER, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)strlen(pin));
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) { put_ckr(err, errlen, "cannot log in to the token", rv); goto fail; }

  CK_OBJECT_CLASS key_class = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE key_query[] = {{CKA_CLASS, &key_class, sizeof key_class}, {CKA_LABEL, (void *)key_label, strlen(key_label)}};
  CK_OBJECT_HANDLE keys[2];
  CK_ULONG n = 0;
  if (!find_objects(f, s->session, key_query, 2, keys, 2, &n) || n == 0) { snprintf(err, errlen, "no private key labelled \"%s\" on the token", key_label); goto fail; }
  if (n > 1) { snprintf(err, errlen, "several private keys are labelled \"%s\" on the token", key_label); goto fail; }
  s->key_handle = keys[0];

  // The key's certificate: the one with the key's CKA_ID, else the one with its label.
  CK_ULONG id_length = 0;
  unsigned char *id = get_attribute(f, s->session, s->key_handle, CKA_ID, &id_length);
  CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
  CK_OBJECT_HANDLE certs[64];
  CK_ULONG cert_count = 0;
  if (id && id_length) {
    CK_ATTRIBUTE q[] = {{CKA_CLASS, &cert_class, sizeof cert_class}, {CKA_ID, id, id_length}};
    find_objects(f, s->session, q, 2, certs, 1, &cert_count);
  }
  free(id);
  if (cert_count == 0) {
    CK_ATTRIBUTE q[] = {{CKA_CLASS, &cert_class, sizeof cert_class}, {CKA_LABEL, (void *)key_label, strlen(key_label)}};
    find_objects(f, s->session, q, 2, certs, 1, &cert_count);
  }
  if (cert_count == 0) { snprintf(err, errlen, "the token holds no certificate for the key \"%s\" (same CKA_ID or label)", key_label); goto fail; }
  CK_OBJECT_HANDLE own = certs[0];
  CK_ULONG length = 0;
  unsigned char *der = get_attribute(f, s->session, own, CKA_VALUE, &length);
  const unsigned char *p = der;
  X509 *cert = der ? d2i_X509(NULL, &p, (long)length) : NULL;
  free(der);
  if (!cert) { put(err, errlen, "the key's certificate on the token cannot be read"); goto fail; }
  EVP_PKEY *public_key = X509_get0_pubkey(cert);
  int ok = public_key && classify(s, public_key, err, errlen) && add_cert(s, cert);
  X509_free(cert);
  if (!ok) goto fail;
  // The other certificates on the token, for the chain.
  CK_ATTRIBUTE all[] = {{CKA_CLASS, &cert_class, sizeof cert_class}};
  if (find_objects(f, s->session, all, 1, certs, 64, &cert_count)) {
    for (CK_ULONG i = 0; i < cert_count; i++) {
      if (certs[i] == own) continue;
      unsigned char *other = get_attribute(f, s->session, certs[i], CKA_VALUE, &length);
      p = other;
      X509 *c = other ? d2i_X509(NULL, &p, (long)length) : NULL;
      free(other);
      if (c) add_cert(s, c);
      X509_free(c);
    }
  }
  return s;
fail:
  bc_signer_free(s);
  return NULL;
}

void bc_signer_free(bc_signer *s) {
  if (!s) return;
  EVP_PKEY_free(s->key);
  if (s->p11) {
    if (s->session != CK_INVALID_HANDLE) { s->p11->C_Logout(s->session); s->p11->C_CloseSession(s->session); }
    if (s->initialized) s->p11->C_Finalize(NULL);
  }
  if (s->module) dlclose(s->module);
  for (int i = 0; i < s->cert_count; i++) OPENSSL_free(s->certs[i]);
  free(s->certs);
  free(s->cert_lengths);
  free(s);
}

int bc_signer_key_kind(const bc_signer *s) { return s->kind; }
int bc_signer_key_bits(const bc_signer *s) { return s->bits; }
int bc_signer_cert_count(const bc_signer *s) { return s->cert_count; }

const uint8_t *bc_signer_cert(const bc_signer *s, int i, size_t *length) {
  if (i < 0 || i >= s->cert_count) { *length = 0; return NULL; }
  *length = s->cert_lengths[i];
  return s->certs[i];
}

long bc_signer_sign(bc_signer *s, const uint8_t *data, size_t length, uint8_t *signature, size_t capacity,
                    char *err, size_t errlen) {
  ERR_clear_error();
  if (s->key) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t n = capacity;
    int ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, s->key) == 1
      && EVP_DigestSign(ctx, signature, &n, data, length) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) { put_ssl(err, errlen, "signing failed"); return -1; }
    return (long)n;
  }
  CK_FUNCTION_LIST_PTR f = s->p11;
  CK_MECHANISM mechanism = {s->kind == BC_KEY_RSA ? CKM_SHA256_RSA_PKCS : CKM_ECDSA, NULL, 0};
  unsigned char digest[32];
  const uint8_t *input = data;
  CK_ULONG input_length = (CK_ULONG)length;
  if (s->kind != BC_KEY_RSA) {  // plain ECDSA signs a digest: tokens offer it more often than ECDSA-SHA256
    bc_sha256(data, length, digest);
    input = digest;
    input_length = 32;
  }
  CK_RV rv = f->C_SignInit(s->session, &mechanism, s->key_handle);
  if (rv != CKR_OK) { put_ckr(err, errlen, "the token refused to start signing", rv); return -1; }
  unsigned char raw[1024];
  CK_ULONG n = sizeof raw;
  rv = f->C_Sign(s->session, (CK_BYTE_PTR)input, input_length, raw, &n);
  if (rv != CKR_OK) { put_ckr(err, errlen, "the token did not sign", rv); return -1; }
  if (s->kind == BC_KEY_RSA) {
    if (n > capacity) { put(err, errlen, "signature too long"); return -1; }
    memcpy(signature, raw, n);
    return (long)n;
  }
  // The token gives r and s side by side; CMS wants them as a DER SEQUENCE.
  if (n != 64) { snprintf(err, errlen, "the token's ECDSA signature has %lu bytes, not 64", (unsigned long)n); return -1; }
  ECDSA_SIG *sig = ECDSA_SIG_new();
  BIGNUM *r = BN_bin2bn(raw, 32, NULL), *sv = BN_bin2bn(raw + 32, 32, NULL);
  if (!sig || !r || !sv || !ECDSA_SIG_set0(sig, r, sv)) { ECDSA_SIG_free(sig); BN_free(r); BN_free(sv); put(err, errlen, "out of memory"); return -1; }
  int der_length = i2d_ECDSA_SIG(sig, NULL);
  if (der_length <= 0 || (size_t)der_length > capacity) { ECDSA_SIG_free(sig); put(err, errlen, "signature too long"); return -1; }
  unsigned char *out = signature;
  i2d_ECDSA_SIG(sig, &out);
  ECDSA_SIG_free(sig);
  return der_length;
}

// MARK: - Certificates

static int64_t seconds(const ASN1_TIME *t) {
  struct tm tm;
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return (int64_t)timegm(&tm);
}

static void name_text(X509_NAME *name, char *out, size_t capacity) {
  BIO *bio = BIO_new(BIO_s_mem());
  out[0] = 0;
  if (!bio) return;
  X509_NAME_print_ex(bio, name, 0, (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB & ~XN_FLAG_DN_REV) | ASN1_STRFLGS_UTF8_CONVERT);
  int n = BIO_read(bio, out, (int)capacity - 1);
  out[n > 0 ? n : 0] = 0;
  BIO_free(bio);
}

int bc_cert_info_read(const uint8_t *der, size_t length, bc_cert_info *info) {
  const unsigned char *p = der;
  X509 *cert = d2i_X509(NULL, &p, (long)length);
  if (!cert) { ERR_clear_error(); return 0; }
  name_text(X509_get_subject_name(cert), info->subject, sizeof info->subject);
  name_text(X509_get_issuer_name(cert), info->issuer, sizeof info->issuer);
  info->not_before = seconds(X509_get0_notBefore(cert));
  info->not_after = seconds(X509_get0_notAfter(cert));
  uint32_t usage = X509_get_key_usage(cert);  // UINT32_MAX when the extension is absent
  info->may_sign = usage == UINT32_MAX || (usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
  info->is_ca = X509_check_ca(cert) > 0;
  X509_free(cert);
  ERR_clear_error();
  return 1;
}

long bc_cert_issuer_and_serial(const uint8_t *der, size_t length, uint8_t *out, size_t capacity) {
  const unsigned char *p = der;
  X509 *cert = d2i_X509(NULL, &p, (long)length);
  if (!cert) { ERR_clear_error(); return -1; }
  int a = i2d_X509_NAME(X509_get_issuer_name(cert), NULL);
  int b = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), NULL);
  long total = -1;
  if (a > 0 && b > 0 && (size_t)a + (size_t)b <= capacity) {
    unsigned char *o = out;
    i2d_X509_NAME(X509_get_issuer_name(cert), &o);
    i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &o);
    total = a + b;
  }
  X509_free(cert);
  return total;
}

void bc_sha256(const uint8_t *data, size_t length, uint8_t digest[32]) {
  unsigned int n = 32;
  EVP_Digest(data, length, digest, &n, EVP_sha256(), NULL);
}

// MARK: - Timestamps (RFC 3161)

/// A TimeStampReq for a SHA-256 digest with a nonce, asking for the TSA's certificate.
static TS_REQ *make_request(const uint8_t digest[32], uint64_t nonce) {
  TS_REQ *req = TS_REQ_new();
  TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new();
  X509_ALGOR *algorithm = X509_ALGOR_new();
  ASN1_INTEGER *n = ASN1_INTEGER_new();
  int ok = req && imprint && algorithm && n && X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL)
    && TS_MSG_IMPRINT_set_algo(imprint, algorithm) && TS_MSG_IMPRINT_set_msg(imprint, (unsigned char *)digest, 32)
    && TS_REQ_set_version(req, 1) && TS_REQ_set_msg_imprint(req, imprint) && ASN1_INTEGER_set_uint64(n, nonce)
    && TS_REQ_set_nonce(req, n) && TS_REQ_set_cert_req(req, 1);
  // The setters copied what they were given.
  ASN1_INTEGER_free(n);
  X509_ALGOR_free(algorithm);
  TS_MSG_IMPRINT_free(imprint);
  if (!ok) { TS_REQ_free(req); req = NULL; }
  ERR_clear_error();
  return req;
}

long bc_ts_request(const uint8_t digest[32], uint64_t nonce, uint8_t *out, size_t capacity) {
  TS_REQ *req = make_request(digest, nonce);
  long length = -1;
  int size = req ? i2d_TS_REQ(req, NULL) : -1;
  if (size > 0 && (size_t)size <= capacity) {
    unsigned char *o = out;
    length = i2d_TS_REQ(req, &o);
  }
  TS_REQ_free(req);
  return length;
}

long bc_ts_token(const uint8_t *response, size_t length, const uint8_t digest[32], uint64_t nonce,
                 uint8_t *out, size_t capacity, char *err, size_t errlen) {
  ERR_clear_error();
  const unsigned char *p = response;
  TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)length);
  if (!resp) { put_ssl(err, errlen, "the timestamp authority's answer is not a timestamp response"); return -1; }
  long written = -1;
  TS_REQ *req = make_request(digest, nonce);
  // The answer must be granted, for this digest and this nonce (the TSA's signature is judged when
  // the PDF is verified against trust roots).
  TS_VERIFY_CTX *checks = req ? TS_REQ_to_TS_VERIFY_CTX(req, NULL) : NULL;
  if (!checks) {
    put(err, errlen, "out of memory");
  } else {
    TS_VERIFY_CTX_set_flags(checks, TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE);
    if (TS_RESP_verify_response(checks, resp) == 1) {
      PKCS7 *token = TS_RESP_get_token(resp);
      int size = token ? i2d_PKCS7(token, NULL) : -1;
      if (size > 0 && (size_t)size <= capacity) {
        unsigned char *o = out;
        written = i2d_PKCS7(token, &o);
      } else {
        put(err, errlen, "the timestamp token is missing or too large");
      }
    } else {
      put_ssl(err, errlen, "the timestamp authority's answer does not hold (refused, or not for this signature)");
    }
  }
  TS_VERIFY_CTX_free(checks);
  TS_REQ_free(req);
  TS_RESP_free(resp);
  ERR_clear_error();
  return written;
}

/// The time of a timestamp token in the signer's unsigned attributes, and whether its imprint is
/// the SHA-256 of the signature value.
static void read_timestamp(CMS_SignerInfo *si, bc_verify_result *r) {
  int at = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
  if (at < 0) return;
  X509_ATTRIBUTE *attribute = CMS_unsigned_get_attr(si, at);
  ASN1_TYPE *value = attribute ? X509_ATTRIBUTE_get0_type(attribute, 0) : NULL;
  if (!value || value->type != V_ASN1_SEQUENCE) return;
  const unsigned char *p = value->value.sequence->data;
  PKCS7 *token = d2i_PKCS7(NULL, &p, value->value.sequence->length);
  TS_TST_INFO *info = token ? PKCS7_to_TS_TST_INFO(token) : NULL;
  if (info) {
    const ASN1_GENERALIZEDTIME *t = TS_TST_INFO_get_time(info);
    struct tm tm;
    if (t && ASN1_TIME_to_tm(t, &tm) == 1) strftime(r->timestamp, sizeof r->timestamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ASN1_OCTET_STRING *signature = CMS_SignerInfo_get0_signature(si);
    TS_MSG_IMPRINT *imprint = TS_TST_INFO_get_msg_imprint(info);
    ASN1_OCTET_STRING *digest = imprint ? TS_MSG_IMPRINT_get_msg(imprint) : NULL;
    unsigned char expected[32];
    if (signature && digest && ASN1_STRING_length(digest) == 32) {
      bc_sha256(ASN1_STRING_get0_data(signature), (size_t)ASN1_STRING_length(signature), expected);
      r->timestamp_matches = memcmp(expected, ASN1_STRING_get0_data(digest), 32) == 0;
    }
  }
  TS_TST_INFO_free(info);
  PKCS7_free(token);
  ERR_clear_error();
}

// MARK: - Verification

int bc_cms_verify(const uint8_t *der, size_t der_length, const uint8_t *data, size_t data_length,
                  const char *trust_pem, bc_verify_result *r) {
  memset(r, 0, sizeof *r);
  ERR_clear_error();
  const unsigned char *p = der;
  CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)der_length);
  if (!cms) { put_ssl(r->message, sizeof r->message, "the signature is not a CMS object"); return 0; }
  STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
  if (!infos || sk_CMS_SignerInfo_num(infos) != 1) {
    put(r->message, sizeof r->message, "the signature does not hold exactly one signer");
    CMS_ContentInfo_free(cms);
    return 0;
  }
  BIO *content = BIO_new_mem_buf(data, (int)data_length);
  // First the bytes and the signature alone, then the chain.
  r->intact = CMS_verify(cms, NULL, NULL, content, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
  if (!r->intact) put_ssl(r->message, sizeof r->message, "the signed bytes or the signature do not match");
  ERR_clear_error();
  read_timestamp(sk_CMS_SignerInfo_value(infos, 0), r);
  STACK_OF(X509) *signers = CMS_get0_signers(cms);
  X509 *signer = signers && sk_X509_num(signers) > 0 ? sk_X509_value(signers, 0) : NULL;
  if (signer) name_text(X509_get_subject_name(signer), r->signer, sizeof r->signer);
  if (trust_pem && signer) {
    r->chain_checked = 1;
    X509_STORE *store = X509_STORE_new();
    STACK_OF(X509) *untrusted = CMS_get1_certs(cms);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (store && X509_STORE_load_file(store, trust_pem) == 1 && ctx && X509_STORE_CTX_init(ctx, store, signer, untrusted) == 1) {
      X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
      r->chain_ok = X509_verify_cert(ctx) == 1;
      if (!r->chain_ok && r->intact)
        snprintf(r->message, sizeof r->message, "the certificate chain does not reach the trusted roots: %s",
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    } else if (r->intact) {
      put_ssl(r->message, sizeof r->message, "the trust file cannot be read");
    }
    X509_STORE_CTX_free(ctx);
    sk_X509_pop_free(untrusted, X509_free);
    X509_STORE_free(store);
  }
  sk_X509_free(signers);
  BIO_free(content);
  CMS_ContentInfo_free(cms);
  ERR_clear_error();
  return 1;
}
