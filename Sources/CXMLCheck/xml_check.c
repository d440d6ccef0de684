#include "xml_check.h"
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <string.h>

/// A parse's first fatal error. libxml2 reports to this parse's handler, never to its default
/// printer (which writes straight to standard error, outside our diagnostics).
typedef struct {
  int line;
  int has_error;
  char *message;
  int capacity;
} baocao_errors;

static void baocao_structured_error(void *context, xmlErrorPtr error) {
  xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)context;
  baocao_errors *errors = ctxt ? (baocao_errors *)ctxt->_private : NULL;
  if (errors == NULL || error == NULL) return;
  // Well-formedness is the rule; DTD-style validity (a duplicated xml:id, which LibreOffice accepts)
  // and warnings are not.
  if (error->domain == XML_FROM_VALID || error->level < XML_ERR_ERROR || errors->has_error) return;
  errors->has_error = 1;
  errors->line = error->line;
  const char *text = error->message ? error->message : "malformed XML";
  strncpy(errors->message, text, errors->capacity - 1);
  errors->message[errors->capacity - 1] = 0;
}

static void baocao_silent(void *context, const char *format, ...) {
  (void)context;
  (void)format;
}

int baocao_xml_check(const char *bytes, int length, int *line, char *message, int message_capacity) {
  int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE;
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (ctxt == NULL) {
    *line = 0;
    strncpy(message, "cannot create an XML parser", message_capacity - 1);
    message[message_capacity - 1] = 0;
    return 1;
  }
  baocao_errors errors = {0, 0, message, message_capacity};
  ctxt->_private = &errors;
  // Errors of this context reach its structured handler; anything libxml2 would still print goes,
  // for this thread and this parse only, to our handler or nowhere.
  xmlStructuredErrorFunc savedStructured = xmlStructuredError;
  void *savedStructuredContext = xmlStructuredErrorContext;
  xmlGenericErrorFunc savedGeneric = xmlGenericError;
  void *savedGenericContext = xmlGenericErrorContext;
  xmlSetStructuredErrorFunc(ctxt, baocao_structured_error);
  xmlSetGenericErrorFunc(NULL, baocao_silent);
  ctxt->sax->serror = baocao_structured_error;

  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, bytes, length, NULL, "UTF-8", options);
  int failed = doc == NULL || !ctxt->wellFormed;
  if (doc != NULL) xmlFreeDoc(doc);
  if (failed && !errors.has_error) {
    xmlErrorPtr err = xmlCtxtGetLastError(ctxt);
    errors.line = err ? err->line : 0;
    const char *text = (err && err->message) ? err->message : "malformed XML";
    strncpy(message, text, message_capacity - 1);
    message[message_capacity - 1] = 0;
  }
  *line = errors.line;
  xmlFreeParserCtxt(ctxt);
  xmlSetStructuredErrorFunc(savedStructuredContext, savedStructured);
  xmlSetGenericErrorFunc(savedGenericContext, savedGeneric);
  return failed;
}
