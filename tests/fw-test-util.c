/* fw-test-util.c
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>

#include "fw-test-util.h"

/* Returns: (transfer full): a new empty folder, removed by the caller */
char *
fw_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("fishwatch-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
fw_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) &&
      (dir = g_dir_open (path, 0, NULL)) != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          fw_test_remove_tree (child);
        }
    }

  g_remove (path);
}

/* Returns: (transfer full): the SHA-256 of the file, to prove it untouched */
char *
fw_test_file_checksum (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

void
fw_test_init (int    *argc,
              char ***argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

/* A worker thread drops its GTask, and with it the task's source object, a
 * moment after the result has reached the main thread: wait for that
 * before asserting that @object is finalized. */
void
fw_test_wait_for_last_ref (GObject *object)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&object->ref_count) > 1 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Runs the main loop until @condition holds; fails the test, naming @what,
 * after 30 seconds. */
void
fw_test_wait_until (FwTestCondition  condition,
                    gpointer         data,
                    const char      *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}
