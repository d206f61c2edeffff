/* fw-database.h — opening, checking and migrating Fish Watch's SQLite files
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>
#include <glib.h>

G_BEGIN_DECLS

#define FW_DATABASE_ERROR (fw_database_error_quark ())

typedef enum
{
  FW_DATABASE_ERROR_FAILED,
  FW_DATABASE_ERROR_FOREIGN,
  FW_DATABASE_ERROR_CORRUPT,
  FW_DATABASE_ERROR_TOO_NEW,
  FW_DATABASE_ERROR_FULL,
  FW_DATABASE_ERROR_READ_ONLY,
  FW_DATABASE_ERROR_NOT_FOUND,
  FW_DATABASE_ERROR_INVALID,
  FW_DATABASE_ERROR_BUSY,
} FwDatabaseError;

GQuark    fw_database_error_quark (void);

sqlite3  *fw_database_open        (const char          *path,
                                   const char * const  *migrations,
                                   guint                n_migrations,
                                   guint               *version,
                                   GError             **error);
gboolean  fw_database_set_error   (sqlite3             *db,
                                   const char          *path,
                                   int                  rc,
                                   const char          *doing,
                                   GError             **error);
gboolean  fw_database_exec        (sqlite3             *db,
                                   const char          *path,
                                   const char          *sql,
                                   const char          *doing,
                                   GError             **error);
int       fw_database_read_readings (sqlite3_stmt      *stmt,
                                     GArray            *readings);
int       fw_database_read_buckets  (sqlite3_stmt      *stmt,
                                     GArray            *buckets);

G_END_DECLS
