import SwiftASN1

/// The CMS SignedData of a PAdES baseline B-B signature (ETSI EN 319 142-1 over RFC 5652):
/// detached, SHA-256, signed attributes content-type, message-digest and signing-certificate-v2, no
/// signing-time attribute (the time goes in the signature dictionary's /M), the certificate chain
/// included. swift-asn1 does the DER; OpenSSL (SigningKey) the signature.
enum CMSSignedData {
  static let data: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 1]
  static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
  static let contentType: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 3]
  static let messageDigest: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
  static let signingCertificateV2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 47]
  static let timeStampToken: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 14]
  static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
  static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
  static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]

  struct Attribute: DERSerializable {
    var type: ASN1ObjectIdentifier
    var value: [UInt8]  // one value, as DER

    func serialize(into coder: inout DER.Serializer) throws {
      try coder.appendConstructedNode(identifier: .sequence) { c in
        try c.serialize(type)
        c.appendConstructedNode(identifier: .set) { $0.serializeRawBytes(value) }
      }
    }
  }

  /// Raw DER, already encoded elsewhere (a certificate), as an element of a SET OF.
  struct RawDER: DERSerializable {
    var bytes: [UInt8]
    func serialize(into coder: inout DER.Serializer) throws { coder.serializeRawBytes(bytes) }
  }

  static func der(_ write: (inout DER.Serializer) throws -> Void) throws -> [UInt8] {
    var coder = DER.Serializer()
    try write(&coder)
    return coder.serializedBytes
  }

  /// The signed attributes for a document digest and the signer's certificate.
  static func signedAttributes(digest: [UInt8], certificate: [UInt8], certificateHash: [UInt8]) throws -> [Attribute] {
    let type = try der { try $0.serialize(data) }
    let digestValue = try der { try $0.serialize(ASN1OctetString(contentBytes: digest[...])) }
    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with the
    // default hash (SHA-256) is SEQUENCE { certHash OCTET STRING }.
    let signingCertificate = try der { c in
      try c.appendConstructedNode(identifier: .sequence) { c in
        try c.appendConstructedNode(identifier: .sequence) { c in
          try c.appendConstructedNode(identifier: .sequence) { c in
            try c.serialize(ASN1OctetString(contentBytes: certificateHash[...]))
          }
        }
      }
    }
    return [
      Attribute(type: contentType, value: type),
      Attribute(type: messageDigest, value: digestValue),
      Attribute(type: signingCertificateV2, value: signingCertificate),
    ]
  }

  /// What the key signs: the attributes as a DER SET OF (RFC 5652 §5.4).
  static func bytesToSign(_ attributes: [Attribute]) throws -> [UInt8] {
    try der { try $0.serializeSetOf(attributes) }
  }

  /// The whole ContentInfo. issuerAndSerial is the DER of the signer certificate's issuer Name and
  /// serial INTEGER; timeStampToken, when present, goes in the unsigned attributes (PAdES B-T).
  static func contentInfo(
    attributes: [Attribute], signature: [UInt8], isECDSA: Bool, issuerAndSerial: [UInt8], certificates: [[UInt8]],
    timeStampToken token: [UInt8]? = nil
  ) throws -> [UInt8] {
    func algorithm(_ c: inout DER.Serializer, _ oid: ASN1ObjectIdentifier, null: Bool) throws {
      try c.appendConstructedNode(identifier: .sequence) { c in
        try c.serialize(oid)
        if null { try c.serialize(ASN1Null()) }
      }
    }
    return try der { c in
      try c.appendConstructedNode(identifier: .sequence) { c in
        try c.serialize(signedData)
        try c.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { c in
          try c.appendConstructedNode(identifier: .sequence) { c in
            try c.serialize(1)
            try c.appendConstructedNode(identifier: .set) { try algorithm(&$0, sha256, null: false) }
            try c.appendConstructedNode(identifier: .sequence) { try $0.serialize(data) }
            try c.serializeSetOf(certificates.map(RawDER.init), identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific))
            try c.appendConstructedNode(identifier: .set) { c in
              try c.appendConstructedNode(identifier: .sequence) { c in
                try c.serialize(1)
                c.appendConstructedNode(identifier: .sequence) { $0.serializeRawBytes(issuerAndSerial) }
                try algorithm(&c, sha256, null: false)
                try c.serializeSetOf(attributes, identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific))
                if isECDSA { try algorithm(&c, ecdsaWithSHA256, null: false) } else { try algorithm(&c, rsaEncryption, null: true) }
                try c.serialize(ASN1OctetString(contentBytes: signature[...]))
                if let token {
                  try c.serializeSetOf(
                    [Attribute(type: timeStampToken, value: token)], identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific))
                }
              }
            }
          }
        }
      }
    }
  }
}
