/* fw-test-util.h — what several tests need
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

char  *fw_test_make_tmpdir   (void);
void   fw_test_remove_tree   (const char *path);
char  *fw_test_file_checksum (const char *path);
void   fw_test_wait_for_last_ref (GObject *object);

typedef gboolean (*FwTestCondition) (gpointer data);

void   fw_test_wait_until    (FwTestCondition  condition,
                              gpointer         data,
                              const char      *what);
void   fw_test_init          (int        *argc,
                              char     ***argv);

G_END_DECLS
