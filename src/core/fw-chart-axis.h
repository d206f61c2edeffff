/* fw-chart-axis.h — where a chart's ticks go and what they say
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fw-types.h"

G_BEGIN_DECLS

/* One tick of the time axis. A major tick starts a larger unit than the
 * step (a day among hours, a year among months) and is labelled with it. */
typedef struct
{
  FwTime    time;
  char     *label;
  gboolean  major;
} FwTimeTick;

/* The value axis: ticks at @first, @first + @step, … up to @last, which
 * enclose the data. */
typedef struct
{
  double first;
  double last;
  double step;
  int    digits;     /* decimals that tell the ticks apart */
} FwValueTicks;

GArray   *fw_time_axis_get_ticks     (FwTime         from,
                                      FwTime         to,
                                      GTimeZone     *tz,
                                      guint          max_ticks);
char     *fw_time_axis_format_time   (FwTime         time,
                                      FwTime         span,
                                      GTimeZone     *tz);

void      fw_value_axis_get_ticks    (double         min,
                                      double         max,
                                      guint          max_ticks,
                                      FwValueTicks  *ticks);
guint     fw_value_ticks_get_count   (const FwValueTicks *ticks);
double    fw_value_ticks_get_value   (const FwValueTicks *ticks,
                                      guint          i);
char     *fw_value_ticks_format      (const FwValueTicks *ticks,
                                      double         value);

G_END_DECLS
