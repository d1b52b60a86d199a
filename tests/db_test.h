/* db_test.h - what the database suites share (test_db, test_db_pg, test_db_my):
 * reading a URL's stamps with every failure one line that starts with the URL
 * as shown, a substring check, and a TCP port that refuses or never answers. */
#ifndef MIGTREE_TESTS_DB_TEST_H
#define MIGTREE_TESTS_DB_TEST_H

#include <stdbool.h>

#include "migtree/db.h"

/* db_read_stamps on URL with O: its result, the rows in *ROWS (reset first),
 * the error in ERR; a failure is one line starting with the URL as shown. */
int db_test_read(const char *url, const struct db_options *o, struct strlist *rows, struct mt_error *err);
/* Fail unless TEXT holds PART. */
void db_test_has(const char *text, const char *part);
/* A TCP socket on 127.0.0.1, listening (the kernel completes connections, no
 * one answers: its fd returned) or closed at once (refused: -1). Its port in
 * *PORT. */
int db_test_tcp_socket(bool listening, int *port);

#endif
