/* fw-database.c — opening, checking and migrating Fish Watch's SQLite files
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app's cache and the server's store are both SQLite files with a
 * list of migrations. Opening one never writes to a file it does not
 * recognise: the file is read and checked first, and only a Fish Watch
 * file (or an empty one) is put in WAL mode and migrated, one step per
 * transaction together with the PRAGMA user_version that records it.
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fw-database.h"
#include "fw-reading.h"

G_DEFINE_QUARK (fw-database-error-quark, fw_database_error)

/**
 * fw_database_set_error:
 * @doing: what failed, as the end of a sentence ("saving readings")
 *
 * Sets @error from an SQLite result code, naming the file.
 *
 * Returns: %FALSE, for `return fw_database_set_error (…);`
 */
gboolean
fw_database_set_error (sqlite3     *db,
                       const char  *path,
                       int          rc,
                       const char  *doing,
                       GError     **error)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  FwDatabaseError code;

  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
      g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FOREIGN,
                   _("“%s” is not a Fish Watch data file: %s"), path, detail);
      return FALSE;

    case SQLITE_FULL:
      g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FULL,
                   _("The disk holding “%s” is full; nothing was saved while %s"),
                   path, doing);
      return FALSE;

    case SQLITE_CORRUPT:
      code = FW_DATABASE_ERROR_CORRUPT;
      break;

    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      code = FW_DATABASE_ERROR_READ_ONLY;
      break;

    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      code = FW_DATABASE_ERROR_INVALID;
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = FW_DATABASE_ERROR_BUSY;
      break;

    default:
      code = FW_DATABASE_ERROR_FAILED;
      break;
    }

  g_set_error (error, FW_DATABASE_ERROR, code,
               _("“%s” failed while %s: %s"), path, doing, detail);
  return FALSE;
}

gboolean
fw_database_exec (sqlite3     *db,
                  const char  *path,
                  const char  *sql,
                  const char  *doing,
                  GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return fw_database_set_error (db, path, rc, doing, error);

  return TRUE;
}

static gboolean
read_header (sqlite3     *db,
             const char  *path,
             guint        n_migrations,
             guint       *version,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n_objects = 0;
  int rc;

  /* The first read of the schema is what tells our file from any other;
   * nothing has been written yet when it fails. */
  rc = sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_schema", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n_objects = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return fw_database_set_error (db, path, rc, _("reading its schema"), error);

  rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return fw_database_set_error (db, path, rc, _("reading its version"), error);

  if (*version == 0 && n_objects > 0)
    {
      g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_FOREIGN,
                   _("“%s” is an SQLite database of another program, not a Fish Watch data file"),
                   path);
      return FALSE;
    }

  if (*version > n_migrations)
    {
      g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_TOO_NEW,
                   _("“%s” was written by a newer Fish Watch (format %u, this version reads up to %u); update Fish Watch to open it"),
                   path, *version, n_migrations);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (sqlite3             *db,
         const char          *path,
         const char * const  *migrations,
         guint                n_migrations,
         guint               *version,
         GError             **error)
{
  while (*version < n_migrations)
    {
      guint next = *version + 1;
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", next);

      if (!fw_database_exec (db, path, "BEGIN IMMEDIATE", _("upgrading its format"), error))
        return FALSE;

      if (!fw_database_exec (db, path, migrations[*version], _("upgrading its format"), error) ||
          !fw_database_exec (db, path, set_version, _("upgrading its format"), error) ||
          !fw_database_exec (db, path, "COMMIT", _("upgrading its format"), error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }

      *version = next;
    }

  return TRUE;
}

/**
 * fw_database_open:
 * @path: the file; created with its folder when missing
 * @migrations: (array length=n_migrations): migrations[i] takes the file
 *   from version i to i + 1
 * @version: (out): the version the file is at, the latest on success
 *
 * Opens and checks the file, sets WAL mode, full synchronous commits and
 * foreign keys, and migrates it. A file that is not ours, is damaged, or
 * was written by a newer Fish Watch gives an error that names it, and is
 * left exactly as it was. Blocks.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
sqlite3 *
fw_database_open (const char          *path,
                  const char * const  *migrations,
                  guint                n_migrations,
                  guint               *version,
                  GError             **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  sqlite3 *db = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (version != NULL, NULL);

  *version = 0;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, FW_DATABASE_ERROR, FW_DATABASE_ERROR_READ_ONLY,
                   _("Cannot create the folder “%s”: %s"), folder, g_strerror (errsv));
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                        NULL);
  if (rc != SQLITE_OK)
    {
      fw_database_set_error (db, path, rc, _("opening it"), error);
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_busy_timeout (db, 10000);

  /* From here on the file is ours to write. FULL synchronous commits
   * survive a power cut, which a pond-side laptop will meet. */
  if (!read_header (db, path, n_migrations, version, error) ||
      !fw_database_exec (db, path,
                         "PRAGMA journal_mode = WAL;"
                         "PRAGMA synchronous = FULL;"
                         "PRAGMA foreign_keys = ON;",
                         _("setting it up"), error) ||
      !migrate (db, path, migrations, n_migrations, version, error))
    {
      sqlite3_close (db);
      return NULL;
    }

  return db;
}

/**
 * fw_database_read_readings:
 * @stmt: a query whose rows are (time, value)
 * @readings: (element-type FwReading): where the rows go
 *
 * Steps @stmt to its end and resets it.
 *
 * Returns: the last result code: %SQLITE_DONE when every row was read
 */
int
fw_database_read_readings (sqlite3_stmt *stmt,
                           GArray       *readings)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FwReading reading = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_double (stmt, 1),
      };

      g_array_append_val (readings, reading);
    }
  sqlite3_reset (stmt);

  return rc;
}

/**
 * fw_database_read_buckets:
 * @stmt: a query whose rows are (time, min, max, sum, count)
 * @buckets: (element-type FwBucket): where the rows go
 *
 * Steps @stmt to its end and resets it.
 *
 * Returns: the last result code: %SQLITE_DONE when every row was read
 */
int
fw_database_read_buckets (sqlite3_stmt *stmt,
                          GArray       *buckets)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FwBucket bucket = {
        sqlite3_column_int64 (stmt, 0),
        sqlite3_column_double (stmt, 1),
        sqlite3_column_double (stmt, 2),
        sqlite3_column_double (stmt, 3),
        sqlite3_column_int64 (stmt, 4),
      };

      g_array_append_val (buckets, bucket);
    }
  sqlite3_reset (stmt);

  return rc;
}
