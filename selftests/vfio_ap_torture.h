/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user-space side of vfio_ap_torture (test_modules/vfio_ap_torture.c),
 * the stress's sysfs actors in kernel threads: fill its table of
 * operations, run it, read what each actor and row did. The module's
 * comment gives the format of its three debugfs files.
 */
#ifndef VFIO_AP_TORTURE_H
#define VFIO_AP_TORTURE_H

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfio_ap_ref.h"
#include "vfio_ap_torture_abi.h"

#define TORTURE_DIR		"/sys/kernel/debug/vfio_ap_torture"
#define TORTURE_MAX_ERRNOS	8	/* distinct errnos kept per row */

/**
 * struct torture_actor_result - an actor's line of the result
 * @name: the actor
 * @ops: operations run
 * @ok: of those, successful
 * @max_us: the longest, in microseconds
 */
struct torture_actor_result {
	char name[TORTURE_NAME_LEN];
	unsigned long ops, ok, max_us;
};

/**
 * struct torture_row_result - a row's line of the result
 * @ok: successful operations
 * @err: failed operations
 * @seq: orders the rows' last successes; 0 if none
 * @errnos: the distinct errnos it failed with (positive)
 * @nr_errnos: how many; more than TORTURE_MAX_ERRNOS are not kept
 */
struct torture_row_result {
	unsigned long ok, err;
	unsigned long long seq;
	int errnos[TORTURE_MAX_ERRNOS];
	int nr_errnos;
};

/**
 * struct torture_result - the whole result file
 * @actor: the actors, in the order the rows named them first
 * @nr_actors: how many
 * @row: the rows, in the order they were added
 * @nr_rows: how many
 */
struct torture_result {
	struct torture_actor_result actor[TORTURE_MAX_ACTORS];
	int nr_actors;
	struct torture_row_result row[TORTURE_MAX_ROWS];
	int nr_rows;
};

/* Is the module loaded (the VM loads it at boot)? */
static inline bool torture_available(void)
{
	return access(TORTURE_DIR "/ops", W_OK) == 0;
}

static inline int torture_clear(void)
{
	return file_write(TORTURE_DIR "/ops", "clear");
}

/*
 * A row: ACTOR's thread GROUP modulo its threads (-1: each thread) writes
 * VALUE to PATH, or reads PATH if VALUE is NULL.
 */
static inline int torture_add(const char *actor, int group, const char *path,
			      const char *value)
{
	return file_writef(TORTURE_DIR "/ops", "%s %d %s %s%s%s", actor, group,
			   value ? "w" : "r", path, value ? " " : "",
			   value ?: "");
}

/* Run the table: THREADS per actor for SECONDS; returns when it is done. */
static inline int torture_run(int seconds, int threads, unsigned long long seed)
{
	return file_writef(TORTURE_DIR "/run", "%d %d %llu", seconds, threads,
			   seed);
}

/* The width of the name in the sscanf() of torture_read() below. */
static_assert(TORTURE_NAME_LEN == 16, "actor %15s");

/* Read the result file into @res; 0 or -EPROTO on a line it cannot read. */
static inline int torture_read(struct torture_result *res)
{
	static char buf[TORTURE_MAX_ROWS * 96 + TORTURE_MAX_ACTORS * 128];
	char *line, *save;
	int n = file_read(TORTURE_DIR "/result", buf, sizeof(buf));

	if (n < 0)
		return n;
	memset(res, 0, sizeof(*res));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct torture_actor_result *a = &res->actor[res->nr_actors];
		struct torture_row_result *r = &res->row[res->nr_rows];
		int idx, off = 0;
		char *e;

		if (!strncmp(line, "actor ", 6)) {
			if (res->nr_actors == TORTURE_MAX_ACTORS ||
			    sscanf(line, "actor %15s ops %lu ok %lu max_us %lu",
				   a->name, &a->ops, &a->ok, &a->max_us) != 4)
				return -EPROTO;
			res->nr_actors++;
			continue;
		}
		if (res->nr_rows == TORTURE_MAX_ROWS ||
		    sscanf(line, "row %d ok %lu err %lu seq %llu errnos%n", &idx,
			   &r->ok, &r->err, &r->seq, &off) != 4 || !off ||
		    idx != res->nr_rows)
			return -EPROTO;
		for (e = line + off; *e; ) {
			long v = strtol(e, &e, 10);

			if (v <= 0)
				return -EPROTO;
			if (r->nr_errnos < TORTURE_MAX_ERRNOS)
				r->errnos[r->nr_errnos++] = v;
		}
		res->nr_rows++;
	}
	return 0;
}

#endif /* VFIO_AP_TORTURE_H */
