// The cryptographic steps of signing and verifying, done by OpenSSL (PKCS#12, keys, certificates,
// CMS verification) and by the token's own PKCS#11 module. Swift sees only these functions: OpenSSL's
// stacks and error queue are macros, and PKCS#11 is a table of C function pointers.
#ifndef CSIGNING_H
#define CSIGNING_H
#include <stddef.h>
#include <stdint.h>

typedef struct bc_signer bc_signer;

enum { BC_KEY_RSA = 1, BC_KEY_EC_P256 = 2 };

/// The key and certificates of a PKCS#12 file. NULL, with a message in err, when it cannot be read.
bc_signer *bc_signer_from_p12(const uint8_t *data, size_t length, const char *password, char *err, size_t errlen);
/// The key labelled key_label on the token labelled token_label, logged in with pin, and the
/// certificates the token holds (the key's own first). NULL, with a message in err, on failure.
bc_signer *bc_signer_from_pkcs11(const char *module, const char *token_label, const char *key_label,
                                 const char *pin, char *err, size_t errlen);
void bc_signer_free(bc_signer *signer);
int bc_signer_key_kind(const bc_signer *signer);
int bc_signer_key_bits(const bc_signer *signer);
int bc_signer_cert_count(const bc_signer *signer);
/// Certificate i as DER (0 is the signer's own); valid while the signer lives.
const uint8_t *bc_signer_cert(const bc_signer *signer, int i, size_t *length);
/// Signs data with SHA-256 (RSA PKCS#1 v1.5, or ECDSA as a DER Ecdsa-Sig-Value). The signature's
/// length, or -1 with a message in err.
long bc_signer_sign(bc_signer *signer, const uint8_t *data, size_t length, uint8_t *signature, size_t capacity,
                    char *err, size_t errlen);

typedef struct {
  char subject[512];
  char issuer[512];
  int64_t not_before;  // seconds since 1970
  int64_t not_after;
  int may_sign;        // key usage allows digitalSignature or nonRepudiation (or is absent)
  int is_ca;
} bc_cert_info;

/// Facts about a DER certificate; 0 when it cannot be read.
int bc_cert_info_read(const uint8_t *der, size_t length, bc_cert_info *info);
/// The DER of the certificate's issuer Name followed by its serial number INTEGER (the two halves
/// of CMS's IssuerAndSerialNumber). Length written, or -1.
long bc_cert_issuer_and_serial(const uint8_t *der, size_t length, uint8_t *out, size_t capacity);

void bc_sha256(const uint8_t *data, size_t length, uint8_t digest[32]);

/// An RFC 3161 TimeStampReq for a SHA-256 digest, with a nonce and asking for the TSA's
/// certificate. Length written, or -1.
long bc_ts_request(const uint8_t digest[32], uint64_t nonce, uint8_t *out, size_t capacity);
/// The token (a CMS ContentInfo) of a TimeStampResp, once the status is granted and the token's
/// imprint and nonce are those asked for. Length written, or -1 with a message in err.
long bc_ts_token(const uint8_t *response, size_t length, const uint8_t digest[32], uint64_t nonce,
                 uint8_t *out, size_t capacity, char *err, size_t errlen);

typedef struct {
  int intact;         // the digest and the signature over the signed attributes hold
  int chain_checked;  // a trust file was given
  int chain_ok;       // the signer's certificate chains to a certificate in it
  char signer[512];   // the signer certificate's subject
  char message[512];  // why not, when something does not hold
  char timestamp[64];  // the time of an RFC 3161 timestamp over the signature, if there is one
  int timestamp_matches;  // the timestamp's imprint is the signature's
} bc_verify_result;

/// Checks a detached CMS SignedData over data; with trust_pem (a PEM file of trusted roots) also the
/// signer's chain. 0 when the CMS could not be read at all (message says why).
int bc_cms_verify(const uint8_t *cms, size_t cms_length, const uint8_t *data, size_t data_length,
                  const char *trust_pem, bc_verify_result *result);

#endif
