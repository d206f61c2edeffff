/* fw-time-range.h — the stretch of time a set of charts shows
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "fw-types.h"

G_BEGIN_DECLS

#define FW_TIME_RANGE_MIN_SPAN ((FwTime) 10 * 60)
#define FW_TIME_RANGE_MAX_SPAN ((FwTime) 100 * 366 * 86400)

#define FW_TYPE_TIME_RANGE (fw_time_range_get_type ())

G_DECLARE_FINAL_TYPE (FwTimeRange, fw_time_range, FW, TIME_RANGE, GObject)

FwTimeRange *fw_time_range_new        (FwTime       from,
                                       FwTime       to,
                                       FwTime       now);

FwTime       fw_time_range_get_from   (FwTimeRange *self);
FwTime       fw_time_range_get_to     (FwTimeRange *self);
FwTime       fw_time_range_get_span   (FwTimeRange *self);
FwTime       fw_time_range_get_now    (FwTimeRange *self);
gboolean     fw_time_range_follows_now (FwTimeRange *self);

void         fw_time_range_set        (FwTimeRange *self,
                                       FwTime       from,
                                       FwTime       to);
void         fw_time_range_set_now    (FwTimeRange *self,
                                       FwTime       now);
void         fw_time_range_show_last  (FwTimeRange *self,
                                       FwTime       span);
void         fw_time_range_zoom       (FwTimeRange *self,
                                       double       factor,
                                       FwTime       anchor);
void         fw_time_range_pan        (FwTimeRange *self,
                                       double       fraction);

G_END_DECLS
