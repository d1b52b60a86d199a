/* measure.c - run one command for bench.py and write its wall time, CPU time
 * and peak RSS to a file.
 *
 * Python cannot measure peak RSS itself: a child forked from the interpreter
 * starts with the interpreter's pages, and the kernel's high-water mark keeps
 * them after exec (a 1,000-revision history measured 15 MB, most of it
 * Python's). Forked from this small program, the child starts small, as under
 * /usr/bin/time, and the times are the kernel's in microseconds.
 *
 * Usage: measure RESULT TIMEOUT COMMAND [ARG...]
 * RESULT gets "WALL_US CPU_US MAXRSS_KIB STATUS"; STATUS is the exit code, or
 * 128 + the signal, "timeout" after TIMEOUT seconds (then the child is killed). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	kill(child, SIGKILL);
}

static long long usec(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	struct sigaction sa = { 0 };
	int status;
	FILE *out;

	if (argc < 4) {
		fprintf(stderr, "usage: measure RESULT TIMEOUT COMMAND [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((child = fork()) < 0)
		return 1;
	if (child == 0) {
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)atoi(argv[2]));
	while (wait4(child, &status, 0, &ru) < 0)
		; /* EINTR from the alarm: the child is killed, wait again */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!(out = fopen(argv[1], "w")))
		return 1;
	fprintf(out, "%lld %lld %ld ", (long long)(t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000,
		usec(ru.ru_utime) + usec(ru.ru_stime), ru.ru_maxrss);
	if (timed_out)
		fprintf(out, "timeout\n");
	else
		fprintf(out, "%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return fclose(out) ? 1 : 0;
}
