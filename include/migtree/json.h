/* json.h - the JSON forms of a project: `export --format json` and `check --format json`. */
#ifndef MIGTREE_JSON_H
#define MIGTREE_JSON_H

#include <stdio.h>

#include "migtree/project.h"

/* A JSON string literal (quotes included) of S. */
void json_string(FILE *out, const char *s);
void json_write_export(FILE *out, const struct project *p);
void json_write_check(FILE *out, const struct project *p);

#endif
