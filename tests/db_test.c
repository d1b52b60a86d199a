/* db_test.c - see db_test.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "db_test.h"
#include "migtree/dburl.h"
#include "migtree/util.h"

int db_test_read(const char *url, const struct db_options *o, struct strlist *rows, struct mt_error *err)
{
	struct db_url u;
	int rc;

	memset(rows, 0, sizeof(*rows));
	memset(err, 0, sizeof(*err));
	if (db_url_parse(url, &u, err))
		fail_msg("%s: %s", url, err->message);
	rc = db_read_stamps(&u, o, rows, err);
	if (rc == -1) {
		char *shown = db_url_display(&u);

		assert_null(strchr(err->message, '\n'));
		assert_true(str_starts_with(err->message, shown));
		free(shown);
		print_message("# %s\n", err->message);
	}
	db_url_free(&u);
	return rc;
}

void db_test_has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' has no '%s'", text, part);
}

int db_test_tcp_socket(bool listening, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	if (listening) {
		assert_int_equal(listen(fd, 8), 0);
		return fd;
	}
	close(fd);
	return -1;
}
