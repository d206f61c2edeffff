/* fw-compare-page.h — one parameter across the units of a farm
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fw-core.h"
#include "fw-page.h"

G_BEGIN_DECLS

#define FW_TYPE_COMPARE_PAGE (fw_compare_page_get_type ())

G_DECLARE_FINAL_TYPE (FwComparePage, fw_compare_page, FW, COMPARE_PAGE, FwPage)

void      fw_compare_page_set_rules  (FwComparePage *self,
                                      GPtrArray     *rules);
void      fw_compare_page_show       (FwComparePage *self,
                                      FwCache       *cache,
                                      GListModel    *units,
                                      GTimeZone     *timezone);
void      fw_compare_page_refresh    (FwComparePage *self,
                                      FwTime         now);
gboolean  fw_compare_page_get_loading (FwComparePage *self);
GtkWidget *fw_compare_page_get_chart (FwComparePage *self);

G_END_DECLS
