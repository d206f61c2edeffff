/* fw-range-bar.h — the range presets, dates, zoom and export above charts
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_TYPE_RANGE_BAR (fw_range_bar_get_type ())

G_DECLARE_FINAL_TYPE (FwRangeBar, fw_range_bar, FW, RANGE_BAR, GtkBox)

FwTimeRange *fw_range_bar_get_range    (FwRangeBar  *self);
void         fw_range_bar_set_range    (FwRangeBar  *self,
                                        FwTimeRange *range);
void         fw_range_bar_set_timezone (FwRangeBar  *self,
                                        GTimeZone   *timezone);
void         fw_range_bar_set_earliest (FwRangeBar  *self,
                                        FwTime       earliest);
const char  *fw_range_bar_get_label    (FwRangeBar  *self);
void         fw_range_bar_show_preset  (FwRangeBar  *self,
                                        FwTime       span);

G_END_DECLS
