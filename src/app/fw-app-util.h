/* fw-app-util.h — small helpers shared by the app's widgets
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-core.h"

G_BEGIN_DECLS

void  fw_widget_set_status_class (GtkWidget  *widget,
                                  FwStatus    status);
char *fw_format_local_time       (FwTime      time,
                                  GTimeZone  *timezone);
FwTime fw_now                    (void);
void  fw_toast_overlay_add_text  (AdwToastOverlay *overlay,
                                  const char      *text);

void  fw_widget_add_toast        (GtkWidget       *widget,
                                  const char      *text);
void  fw_box_remove_all          (GtkBox          *box);
void  fw_spinner_set_active      (GtkSpinner      *spinner,
                                  gboolean         active);

cairo_status_t fw_cairo_append_to_array (void                *closure,
                                         const unsigned char *data,
                                         unsigned int         length);
GBytes        *fw_cairo_finish_bytes    (cairo_status_t       status,
                                         GByteArray          *bytes,
                                         GError             **error);

G_END_DECLS
