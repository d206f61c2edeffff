/* fw-time-range.c — the stretch of time a set of charts shows
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The charts of one page share a range, so that zooming or panning one
 * moves them all. Every change goes through fw_time_range_set(), which
 * keeps the range sensible (ten minutes to a century, and not far past
 * the present) and emits ::changed once.
 */

#include "config.h"

#include <math.h>

#include "fw-time-range.h"

struct _FwTimeRange
{
  GObject parent_instance;

  FwTime  from;
  FwTime  to;
  FwTime  now;
};

G_DEFINE_FINAL_TYPE (FwTimeRange, fw_time_range, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fw_time_range_class_init (FwTimeRangeClass *klass)
{
  /**
   * FwTimeRange::changed:
   *
   * The range moved or changed its length.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
fw_time_range_init (FwTimeRange *self)
{
}

/* How far past the present a range may reach: a fortieth of its span,
 * room for the newest reading to show clear of the edge. */
static FwTime
future_margin (FwTime span)
{
  return span / 40;
}

FwTimeRange *
fw_time_range_new (FwTime from,
                   FwTime to,
                   FwTime now)
{
  FwTimeRange *self = g_object_new (FW_TYPE_TIME_RANGE, NULL);

  self->now = now;
  self->from = now - FW_TIME_RANGE_MIN_SPAN;
  self->to = now;
  fw_time_range_set (self, from, to);

  return self;
}

FwTime
fw_time_range_get_from (FwTimeRange *self)
{
  g_return_val_if_fail (FW_IS_TIME_RANGE (self), 0);

  return self->from;
}

FwTime
fw_time_range_get_to (FwTimeRange *self)
{
  g_return_val_if_fail (FW_IS_TIME_RANGE (self), 0);

  return self->to;
}

FwTime
fw_time_range_get_span (FwTimeRange *self)
{
  g_return_val_if_fail (FW_IS_TIME_RANGE (self), 0);

  return self->to - self->from;
}

FwTime
fw_time_range_get_now (FwTimeRange *self)
{
  g_return_val_if_fail (FW_IS_TIME_RANGE (self), 0);

  return self->now;
}

/**
 * fw_time_range_follows_now:
 *
 * Returns: whether the range shows the present, so that new readings
 *   should slide into view as they come
 */
gboolean
fw_time_range_follows_now (FwTimeRange *self)
{
  g_return_val_if_fail (FW_IS_TIME_RANGE (self), FALSE);

  return self->to >= self->now - fw_time_range_get_span (self) / 100;
}

/**
 * fw_time_range_set:
 *
 * Shows [@from, @to): a reversed range is turned round, one shorter than
 * ten minutes widened about its middle, one longer than a century
 * shortened, and one reaching past the present moved back.
 */
void
fw_time_range_set (FwTimeRange *self,
                   FwTime       from,
                   FwTime       to)
{
  FwTime span;

  g_return_if_fail (FW_IS_TIME_RANGE (self));

  if (to < from)
    {
      FwTime swap = from;

      from = to;
      to = swap;
    }

  span = to - from;
  if (span < FW_TIME_RANGE_MIN_SPAN)
    {
      from -= (FW_TIME_RANGE_MIN_SPAN - span) / 2;
      span = FW_TIME_RANGE_MIN_SPAN;
    }
  span = MIN (span, FW_TIME_RANGE_MAX_SPAN);
  to = from + span;

  if (to > self->now + future_margin (span))
    {
      to = self->now + future_margin (span);
      from = to - span;
    }

  if (from == self->from && to == self->to)
    return;

  self->from = from;
  self->to = to;
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * fw_time_range_set_now:
 *
 * Moves the present on. A range that showed it keeps showing it, sliding
 * along with the same length.
 */
void
fw_time_range_set_now (FwTimeRange *self,
                       FwTime       now)
{
  gboolean following;
  FwTime span;

  g_return_if_fail (FW_IS_TIME_RANGE (self));

  following = fw_time_range_follows_now (self);
  span = fw_time_range_get_span (self);
  self->now = now;

  if (following)
    fw_time_range_set (self, now + future_margin (span) - span, now + future_margin (span));
}

/**
 * fw_time_range_show_last:
 *
 * Shows the @span up to the present: the "last 24 hours" of a preset.
 */
void
fw_time_range_show_last (FwTimeRange *self,
                         FwTime       span)
{
  g_return_if_fail (FW_IS_TIME_RANGE (self));

  span = CLAMP (span, FW_TIME_RANGE_MIN_SPAN, FW_TIME_RANGE_MAX_SPAN);
  fw_time_range_set (self, self->now + future_margin (span) - span, self->now + future_margin (span));
}

/**
 * fw_time_range_zoom:
 * @factor: the new span over the old: below 1 zooms in
 * @anchor: the time that stays where it is, such as the one under the
 *   pointer
 */
void
fw_time_range_zoom (FwTimeRange *self,
                    double       factor,
                    FwTime       anchor)
{
  double from, to;

  g_return_if_fail (FW_IS_TIME_RANGE (self));
  g_return_if_fail (factor > 0 && isfinite (factor));

  anchor = CLAMP (anchor, self->from, self->to);
  from = anchor - (anchor - self->from) * factor;
  to = anchor + (self->to - anchor) * factor;

  fw_time_range_set (self, (FwTime) llround (from), (FwTime) llround (to));
}

/**
 * fw_time_range_pan:
 * @fraction: how far to move, in spans: negative goes back in time
 */
void
fw_time_range_pan (FwTimeRange *self,
                   double       fraction)
{
  FwTime shift;

  g_return_if_fail (FW_IS_TIME_RANGE (self));

  shift = (FwTime) llround (fraction * fw_time_range_get_span (self));
  fw_time_range_set (self, self->from + shift, self->to + shift);
}
