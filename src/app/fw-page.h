/* fw-page.h — a page of the window's content side
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FW_TYPE_PAGE (fw_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (FwPage, fw_page, FW, PAGE, GtkBox)

struct _FwPageClass
{
  GtkBoxClass parent_class;
};

gboolean fw_page_get_folded (FwPage   *self);
void     fw_page_set_folded (FwPage   *self,
                             gboolean  folded);

G_END_DECLS
