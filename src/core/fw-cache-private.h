/* fw-cache-private.h — for the core library and its tests only
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* fw_cache_migrations[i] takes a cache from version i to version i + 1. */
extern const char * const fw_cache_migrations[];
extern const guint fw_cache_n_migrations;

G_END_DECLS

#include <sqlite3.h>

#include "fw-cache.h"

G_BEGIN_DECLS

/* Caps the file at @pages pages for this connection, so that tests can
 * meet a full disk without filling one. */
void fw_cache_set_page_limit (FwCache *self,
                              guint    pages);

void          fw_cache_lock    (FwCache     *self);
void          fw_cache_unlock  (FwCache     *self);
sqlite3_stmt *fw_cache_prepare (FwCache     *self,
                                const char  *sql,
                                GError     **error);
gboolean      fw_cache_fail    (FwCache     *self,
                                int          rc,
                                const char  *doing,
                                GError     **error);
gboolean      fw_cache_step    (FwCache       *self,
                                sqlite3_stmt  *stmt,
                                const char    *doing,
                                GError       **error);

G_END_DECLS
