#ifndef BAOCAO_XML_CHECK_H
#define BAOCAO_XML_CHECK_H

/// Parses `length` bytes of XML with no network access, no DTD loading and no entity substitution.
/// Returns 0 when the document is well-formed; otherwise 1, with the error's line and message.
/// The libxml2 headers stay inside this C target: they pull in ICU, whose types clash with
/// Foundation's copy when both reach one Swift module.
int baocao_xml_check(const char *bytes, int length, int *line, char *message, int message_capacity);

#endif
