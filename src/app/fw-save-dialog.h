/* fw-save-dialog.h — ask where to save, then write the file off the main thread
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Makes the file's contents once the place is chosen; %NULL with @error
 * set when it cannot. */
typedef GBytes *(*FwSaveRenderFunc) (gpointer   user_data,
                                     GError   **error);

void fw_save_dialog_run (GtkWidget        *page,
                         const char       *title,
                         const char       *file_name,
                         const char       *mime_type,
                         const char       *filter_name,
                         FwSaveRenderFunc  render,
                         gpointer          user_data,
                         GDestroyNotify    destroy);

G_END_DECLS
