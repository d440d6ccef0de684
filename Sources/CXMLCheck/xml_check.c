#include "xml_check.h"
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <string.h>

int baocao_xml_check(const char *bytes, int length, int *line, char *message, int message_capacity) {
  int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE;
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (ctxt == NULL) {
    *line = 0;
    strncpy(message, "cannot create an XML parser", message_capacity - 1);
    message[message_capacity - 1] = 0;
    return 1;
  }
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, bytes, length, NULL, "UTF-8", options);
  if (doc != NULL) {
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return 0;
  }
  xmlErrorPtr err = xmlCtxtGetLastError(ctxt);
  *line = err ? err->line : 0;
  const char *text = (err && err->message) ? err->message : "malformed XML";
  strncpy(message, text, message_capacity - 1);
  message[message_capacity - 1] = 0;
  xmlFreeParserCtxt(ctxt);
  return 1;
}
