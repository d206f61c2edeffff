/* fw-chart.c — sensor history drawn over time
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chart draws what its FwChartSeries hold over the FwTimeRange it
 * shares with the other charts of its page. Each series is decimated to
 * one column per pixel: the band from each column's minimum to its
 * maximum, so that no spike is lost, and the mean as the line, broken
 * where the sensor fell silent. Behind them lie the warning and critical
 * bands of the parameter's limits.
 *
 * Drawing the data is the costly part, so it is kept as a render node and
 * redrawn only when the size, the range or the data change; the hover
 * crosshair and the zoom selection are drawn over it on every frame.
 *
 * A compact chart (a sensor tile's sparkline) is the same drawing without
 * axes, labels or interaction.
 *
 * Mouse: hover for the values, drag to zoom into a span, Shift+drag or the
 * middle button to pan, scroll to zoom about the pointer (in a scrolling
 * page once the chart is clicked, or with Ctrl), horizontal scroll to pan. Keyboard: +/- zoom, arrows pan, Page Up/Down pan by a
 * whole range, End returns to the present.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "fw-chart.h"

#define TICK_GAP       6     /* between an axis and its labels */
#define PLOT_PAD_RIGHT 12
#define PLOT_PAD_TOP   8
#define HOVER_REACH    6     /* pixels either side searched for data */
#define MIN_DRAG       8     /* a shorter drag is a click */
#define STROKE_PIECE   16    /* points per stroke of a long line */

struct _FwChart
{
  GtkWidget      parent_instance;

  FwTimeRange   *range;
  GTimeZone     *timezone;
  GPtrArray     *series;         /* FwChartSeries */
  GPtrArray     *columns;        /* GArray of FwChartColumn, one per series */
  char          *title;
  gboolean       compact;
  gboolean       exporting;      /* dark on white, whatever the theme */

  gboolean       has_limits;
  FwLimits       limits;

  /* What was drawn last, to draw it again cheaply. */
  GskRenderNode *data_node;
  guint          data_key;
  graphene_rect_t plot;
  FwValueTicks   ticks;
  guint          plot_width;     /* as last allocated */
  guint          notify_width_source;

  /* Pointer state. */
  double         hover_x;
  gboolean       hovering;
  double         drag_start_x;
  double         drag_x;
  gboolean       selecting;
  gboolean       panning;
  FwTime         pan_from;
  FwTime         pan_to;
};

G_DEFINE_FINAL_TYPE (FwChart, fw_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RANGE,
  PROP_TIMEZONE,
  PROP_COMPACT,
  PROP_TITLE,
  PROP_PLOT_WIDTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The GNOME palette, skipping the yellow and red that mean warning and
 * critical. */
static const GdkRGBA palette[] = {
  { 0.208, 0.518, 0.894, 1 },   /* blue 3 */
  { 0.902, 0.380, 0.000, 1 },   /* orange 5 */
  { 0.149, 0.635, 0.412, 1 },   /* green 5 */
  { 0.569, 0.255, 0.675, 1 },   /* purple 3 */
  { 0.596, 0.416, 0.267, 1 },   /* brown 3 */
  { 0.055, 0.541, 0.612, 1 },   /* a teal, far enough from blue and green */
};

static const GdkRGBA warning_band = { 0.965, 0.827, 0.176, 0.22 };
static const GdkRGBA critical_band = { 0.878, 0.106, 0.141, 0.16 };

/**
 * fw_chart_get_series_color:
 *
 * Returns: the colour of the series at @index, for legends beside a chart
 */
const GdkRGBA *
fw_chart_get_series_color (guint index)
{
  return &palette[index % G_N_ELEMENTS (palette)];
}

static void
get_foreground (FwChart *self,
                GdkRGBA *color)
{
  if (self->exporting)
    {
      *color = (GdkRGBA) { 0.141, 0.122, 0.192, 1 };   /* GNOME dark 4 */
      return;
    }

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static GdkRGBA
with_alpha (const GdkRGBA *color,
            float          alpha)
{
  GdkRGBA result = *color;

  result.alpha *= alpha;
  return result;
}

static void
invalidate_data (FwChart *self)
{
  g_clear_pointer (&self->data_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_description (FwChart *self)
{
  g_autofree char *description = fw_chart_dup_description (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
on_range_changed_cb (FwChart *self)
{
  invalidate_data (self);
  update_description (self);
}

/* Geometry ------------------------------------------------------------ */

static double
time_to_x (FwChart *self,
           FwTime   time)
{
  FwTime from = fw_time_range_get_from (self->range);
  FwTime span = fw_time_range_get_span (self->range);

  return self->plot.origin.x + (double) (time - from) / span * self->plot.size.width;
}

static FwTime
x_to_time (FwChart *self,
           double   x)
{
  FwTime from = fw_time_range_get_from (self->range);
  FwTime span = fw_time_range_get_span (self->range);

  return from + (FwTime) llround ((x - self->plot.origin.x) / self->plot.size.width * span);
}

static double
value_to_y (FwChart *self,
            double   value)
{
  double fraction = (value - self->ticks.first) / (self->ticks.last - self->ticks.first);

  return self->plot.origin.y + self->plot.size.height * (1 - fraction);
}

/* The values the axis must hold: the data shown, and in a full chart the
 * warning limits, so the distance to them can be read. */
static void
compute_value_ticks (FwChart *self,
                     guint    max_ticks)
{
  FwTime from = fw_time_range_get_from (self->range);
  FwTime to = fw_time_range_get_to (self->range);
  double min = NAN, max = NAN;

  for (guint i = 0; i < self->series->len; i++)
    {
      double lo, hi;

      fw_chart_series_get_range (g_ptr_array_index (self->series, i), from, to, &lo, &hi);
      if (isnan (lo))
        continue;
      min = isnan (min) ? lo : MIN (min, lo);
      max = isnan (max) ? hi : MAX (max, hi);
    }

  if (self->has_limits && !self->compact && !isnan (min))
    {
      if (!isnan (self->limits.warning_low))
        min = MIN (min, self->limits.warning_low);
      if (!isnan (self->limits.warning_high))
        max = MAX (max, self->limits.warning_high);
    }

  if (self->compact && !isnan (min))
    {
      /* A sparkline uses all its height: no round ticks needed. */
      double pad = max > min ? (max - min) * 0.08 : MAX (fabs (max) * 0.05, 0.5);

      self->ticks = (FwValueTicks) { min - pad, max + pad, max - min + 2 * pad, 0 };
      return;
    }

  /* A little room above and below, so a line along a round value is not
   * drawn on the frame. */
  if (max > min)
    {
      double pad = (max - min) * 0.04;

      min -= pad;
      max += pad;
    }

  fw_value_axis_get_ticks (min, max, max_ticks, &self->ticks);
}

static PangoLayout *
create_layout (FwChart    *self,
               const char *text,
               gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (bold)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }

  return layout;
}

static int
text_height (FwChart *self)
{
  g_autoptr(PangoLayout) layout = create_layout (self, "0:", FALSE);
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

/* Lays the plot out inside @width × @height: room on the left for the
 * widest value label, below for the time labels, above for the title. */
static void
layout_plot (FwChart *self,
             int      width,
             int      height)
{
  int label_height, label_width = 0, top;
  guint max_ticks;

  if (self->compact)
    {
      self->plot = GRAPHENE_RECT_INIT (1, 2, MAX (width - 2, 1), MAX (height - 4, 1));
      compute_value_ticks (self, 2);
      return;
    }

  label_height = text_height (self);
  top = self->title != NULL ? label_height + PLOT_PAD_TOP + 4 : PLOT_PAD_TOP;
  max_ticks = CLAMP ((height - top - label_height) / (label_height * 2), 2, 8);
  compute_value_ticks (self, max_ticks);

  /* The same gutter for most labels, so that stacked charts line up. */
  {
    g_autoptr(PangoLayout) layout = create_layout (self, "−000.0", FALSE);

    pango_layout_get_pixel_size (layout, &label_width, NULL);
  }

  for (guint i = 0; i < fw_value_ticks_get_count (&self->ticks); i++)
    {
      g_autofree char *text = fw_value_ticks_format (&self->ticks, fw_value_ticks_get_value (&self->ticks, i));
      g_autoptr(PangoLayout) layout = create_layout (self, text, FALSE);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      label_width = MAX (label_width, w);
    }

  self->plot = GRAPHENE_RECT_INIT (label_width + TICK_GAP + 2, top,
                                   MAX (width - label_width - TICK_GAP - 2 - PLOT_PAD_RIGHT, 1),
                                   MAX (height - top - label_height - TICK_GAP, 1));
}

/* Drawing ------------------------------------------------------------- */

static void
draw_band (FwChart       *self,
           GtkSnapshot   *snapshot,
           double         low,
           double         high,
           const GdkRGBA *color)
{
  double y0, y1;

  if (isnan (low))
    low = self->ticks.first;
  if (isnan (high))
    high = self->ticks.last;
  low = MAX (low, self->ticks.first);
  high = MIN (high, self->ticks.last);
  if (high <= low)
    return;

  y0 = value_to_y (self, high);
  y1 = value_to_y (self, low);
  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT (self->plot.origin.x, y0, self->plot.size.width, y1 - y0));
}

/* Warning and critical zones: below the low limits and above the high. */
static void
draw_limits (FwChart     *self,
             GtkSnapshot *snapshot)
{
  const FwLimits *l = &self->limits;

  if (!self->has_limits)
    return;

  if (!isnan (l->critical_low))
    draw_band (self, snapshot, NAN, l->critical_low, &critical_band);
  if (!isnan (l->warning_low))
    draw_band (self, snapshot, l->critical_low, l->warning_low, &warning_band);
  if (!isnan (l->warning_high))
    draw_band (self, snapshot, l->warning_high, l->critical_high, &warning_band);
  if (!isnan (l->critical_high))
    draw_band (self, snapshot, l->critical_high, NAN, &critical_band);
}

static void
draw_grid (FwChart     *self,
           GtkSnapshot *snapshot,
           GArray      *time_ticks)
{
  GdkRGBA fg, line, major;

  get_foreground (self, &fg);
  line = with_alpha (&fg, 0.10);
  major = with_alpha (&fg, 0.22);

  for (guint i = 0; i < fw_value_ticks_get_count (&self->ticks); i++)
    {
      double y = round (value_to_y (self, fw_value_ticks_get_value (&self->ticks, i)));

      gtk_snapshot_append_color (snapshot, &line,
                                 &GRAPHENE_RECT_INIT (self->plot.origin.x, y, self->plot.size.width, 1));
    }

  for (guint i = 0; i < time_ticks->len; i++)
    {
      const FwTimeTick *tick = &g_array_index (time_ticks, FwTimeTick, i);
      double x = round (time_to_x (self, tick->time));

      gtk_snapshot_append_color (snapshot, tick->major ? &major : &line,
                                 &GRAPHENE_RECT_INIT (x, self->plot.origin.y, 1, self->plot.size.height));
    }
}

static void
draw_labels (FwChart     *self,
             GtkSnapshot *snapshot,
             GArray      *time_ticks,
             int          width)
{
  GdkRGBA fg, dim;
  double baseline = self->plot.origin.y + self->plot.size.height + TICK_GAP / 2;
  double last_end = -G_MAXDOUBLE;

  get_foreground (self, &fg);
  dim = with_alpha (&fg, 0.7);

  for (guint i = 0; i < fw_value_ticks_get_count (&self->ticks); i++)
    {
      double value = fw_value_ticks_get_value (&self->ticks, i);
      g_autofree char *text = fw_value_ticks_format (&self->ticks, value);
      g_autoptr(PangoLayout) layout = create_layout (self, text, FALSE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (self->plot.origin.x - TICK_GAP - w,
                                                              round (value_to_y (self, value) - h / 2.0)));
      gtk_snapshot_append_layout (snapshot, layout, &dim);
      gtk_snapshot_restore (snapshot);
    }

  for (guint i = 0; i < time_ticks->len; i++)
    {
      const FwTimeTick *tick = &g_array_index (time_ticks, FwTimeTick, i);
      g_autoptr(PangoLayout) layout = create_layout (self, tick->label, tick->major);
      double x;
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      x = CLAMP (time_to_x (self, tick->time) - w / 2.0, 0, width - w);

      /* Labels never overlap: one that would is left out. */
      if (x < last_end + 8)
        continue;
      last_end = x + w;

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x), baseline));
      gtk_snapshot_append_layout (snapshot, layout, tick->major ? &fg : &dim);
      gtk_snapshot_restore (snapshot);
    }

  if (self->title != NULL)
    {
      g_autoptr(PangoLayout) layout = create_layout (self, self->title, TRUE);

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (self->plot.origin.x, 2));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }
}

static double
column_x (FwChart *self,
          guint    column)
{
  return self->plot.origin.x + column + 0.5;
}

/* Columns @start to @end (both with data) of one unbroken run: the band
 * from minimum to maximum, and the mean line over it; a run of one column
 * is a short bar and a dot. The band is a pixel-wide box per column, which
 * cairo fills far faster than the same outline as one polygon. */
static void
draw_run (FwChart             *self,
          cairo_t             *cr,
          const FwChartColumn *c,
          guint                start,
          guint                end,
          const GdkRGBA       *color)
{
  double line_width;
  guint filled = 0;
  gint64 readings = 0;
  gboolean dense;

  cairo_new_path (cr);
  for (guint j = start; j <= end; j++)
    if (c[j].count > 0)
      {
        double top = floor (value_to_y (self, c[j].max));
        double bottom = ceil (value_to_y (self, c[j].min));

        cairo_rectangle (cr, self->plot.origin.x + j, top, 1, MAX (bottom - top, 1));
      }
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, 0.3);
  cairo_fill (cr);

  gdk_cairo_set_source_rgba (cr, color);
  cairo_new_path (cr);

  if (start == end)
    {
      cairo_arc (cr, column_x (self, start), value_to_y (self, c[start].sum / c[start].count),
                 self->compact ? 1.5 : 2.5, 0, 2 * G_PI);
      cairo_fill (cr);
      return;
    }

  /* A decimated line (nearly every column holds data, several readings
   * each) is drawn as boxes two pixels wide, one per step between
   * neighbouring means: cairo fills boxes far faster than it strokes a long
   * jagged line. A line of single readings, zoomed in, is stroked, in short
   * pieces for the same reason, and looks smoother for it. */
  line_width = self->compact ? 1.5 : 2;
  for (guint j = start; j <= end; j++)
    {
      filled += c[j].count > 0;
      readings += c[j].count;
    }
  dense = filled * 10 >= (end - start + 1) * 9 && readings >= 3 * filled;

  if (dense)
    {
      for (guint j = start, previous = start; j <= end; j++)
        {
          double y0, y1;

          if (c[j].count == 0 || j == start)
            continue;

          if (j == previous + 1)
            {
              y0 = value_to_y (self, c[previous].sum / c[previous].count);
              y1 = value_to_y (self, c[j].sum / c[j].count);
              cairo_rectangle (cr, self->plot.origin.x + j - line_width / 2 + 0.5,
                               MIN (y0, y1) - line_width / 2,
                               line_width, fabs (y1 - y0) + line_width);
            }
          previous = j;
        }
      cairo_fill (cr);
    }

  cairo_set_line_width (cr, line_width);
  for (guint j = start, previous = start, n = 0; j <= end; j++)
    {
      if (c[j].count == 0 || j == start)
        continue;

      if (!dense || j > previous + 1)
        {
          cairo_move_to (cr, column_x (self, previous), value_to_y (self, c[previous].sum / c[previous].count));
          cairo_line_to (cr, column_x (self, j), value_to_y (self, c[j].sum / c[j].count));
          if (++n % STROKE_PIECE == 0)
            cairo_stroke (cr);
        }
      previous = j;
    }
  cairo_stroke (cr);
}

/* One series, run by run: a column that is not joined to the one before
 * starts a new run, leaving a gap where the sensor was silent. */
static void
draw_series (FwChart       *self,
             cairo_t       *cr,
             GArray        *columns,
             const GdkRGBA *color)
{
  const FwChartColumn *c = (const FwChartColumn *) (gpointer) columns->data;
  guint n = columns->len;
  guint i = 0;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  while (i < n)
    {
      guint end = i;

      if (c[i].count == 0)
        {
          i++;
          continue;
        }

      for (guint j = i + 1; j < n; j++)
        {
          if (c[j].count == 0)
            continue;
          if (!c[j].joined)
            break;
          end = j;
        }

      draw_run (self, cr, c, i, end, color);
      i = end + 1;
    }
}

static guint
data_key (FwChart *self,
          int      width,
          int      height)
{
  guint key = g_int64_hash (&(gint64) { fw_time_range_get_from (self->range) });

  key = key * 31 + g_int64_hash (&(gint64) { fw_time_range_get_to (self->range) });
  key = key * 31 + width;
  key = key * 31 + height;
  key = key * 31 + g_double_hash (&self->ticks.first);
  key = key * 31 + g_double_hash (&self->ticks.last);
  for (guint i = 0; i < self->series->len; i++)
    key = key * 31 + fw_chart_series_get_generation (g_ptr_array_index (self->series, i));

  return key;
}

static GskRenderNode *
create_data_node (FwChart *self)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  guint n_columns = (guint) MAX (self->plot.size.width, 1);
  FwTime from = fw_time_range_get_from (self->range);
  FwTime to = fw_time_range_get_to (self->range);
  cairo_t *cr;

  gtk_snapshot_push_clip (snapshot, &self->plot);
  cr = gtk_snapshot_append_cairo (snapshot, &self->plot);

  for (guint i = 0; i < self->series->len; i++)
    {
      GArray *columns = g_ptr_array_index (self->columns, i);

      g_array_set_size (columns, n_columns);
      fw_chart_series_decimate (g_ptr_array_index (self->series, i), from, to,
                                (FwChartColumn *) (gpointer) columns->data, n_columns);
      draw_series (self, cr, columns, fw_chart_get_series_color (i));
    }

  cairo_destroy (cr);
  gtk_snapshot_pop (snapshot);

  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static gboolean
has_data (FwChart *self)
{
  for (guint i = 0; i < self->columns->len; i++)
    {
      GArray *columns = g_ptr_array_index (self->columns, i);

      for (guint c = 0; c < columns->len; c++)
        if (g_array_index (columns, FwChartColumn, c).count > 0)
          return TRUE;
    }

  return FALSE;
}

static void
draw_empty (FwChart     *self,
            GtkSnapshot *snapshot)
{
  g_autoptr(PangoLayout) layout = create_layout (self, _("No readings in this range"), FALSE);
  GdkRGBA fg;
  int w, h;

  get_foreground (self, &fg);
  fg = with_alpha (&fg, 0.55);
  pango_layout_get_pixel_size (layout, &w, &h);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (round (self->plot.origin.x + (self->plot.size.width - w) / 2),
                                                round (self->plot.origin.y + (self->plot.size.height - h) / 2)));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);
}

/* The column nearest @x that holds data, within a few pixels. */
static const FwChartColumn *
column_near (FwChart *self,
             guint    series,
             double   x,
             guint   *index)
{
  GArray *columns = g_ptr_array_index (self->columns, series);
  int at = (int) floor (x - self->plot.origin.x);

  for (int d = 0; d <= HOVER_REACH; d++)
    for (int sign = -1; sign <= 1; sign += 2)
      {
        int c = at + sign * d;

        if (c >= 0 && c < (int) columns->len && g_array_index (columns, FwChartColumn, c).count > 0)
          {
            *index = c;
            return &g_array_index (columns, FwChartColumn, c);
          }
      }

  return NULL;
}

static void
draw_pointer (FwChart     *self,
              GtkSnapshot *snapshot)
{
  GdkRGBA fg;

  get_foreground (self, &fg);

  if (self->selecting)
    {
      double x0 = CLAMP (MIN (self->drag_start_x, self->drag_x), self->plot.origin.x,
                         self->plot.origin.x + self->plot.size.width);
      double x1 = CLAMP (MAX (self->drag_start_x, self->drag_x), self->plot.origin.x,
                         self->plot.origin.x + self->plot.size.width);

      gtk_snapshot_append_color (snapshot, &(GdkRGBA) { palette[0].red, palette[0].green, palette[0].blue, 0.18 },
                                 &GRAPHENE_RECT_INIT (x0, self->plot.origin.y, x1 - x0, self->plot.size.height));
    }

  if (!self->hovering || self->panning ||
      self->hover_x < self->plot.origin.x || self->hover_x > self->plot.origin.x + self->plot.size.width)
    return;

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.45 },
                             &GRAPHENE_RECT_INIT (round (self->hover_x), self->plot.origin.y,
                                                  1, self->plot.size.height));

  for (guint i = 0; i < self->series->len; i++)
    {
      const FwChartColumn *column;
      GskRoundedRect dot;
      guint index;
      double y;

      column = column_near (self, i, self->hover_x, &index);
      if (column == NULL)
        continue;

      y = value_to_y (self, column->sum / column->count);
      gsk_rounded_rect_init_from_rect (&dot, &GRAPHENE_RECT_INIT (column_x (self, index) - 4, y - 4, 8, 8), 4);
      gtk_snapshot_push_rounded_clip (snapshot, &dot);
      gtk_snapshot_append_color (snapshot, fw_chart_get_series_color (i), &dot.bounds);
      gtk_snapshot_pop (snapshot);
    }
}

static void
draw_chart (FwChart     *self,
            GtkSnapshot *snapshot,
            int          width,
            int          height,
            gboolean     interactive)
{
  g_autoptr(GArray) time_ticks = NULL;
  guint key;

  if (self->range == NULL || self->timezone == NULL || width <= 2 || height <= 2)
    return;

  layout_plot (self, width, height);

  key = data_key (self, width, height);
  if (self->data_node == NULL || key != self->data_key)
    {
      g_clear_pointer (&self->data_node, gsk_render_node_unref);
      self->data_node = create_data_node (self);
      self->data_key = key;
    }

  draw_limits (self, snapshot);

  if (!self->compact)
    {
      time_ticks = fw_time_axis_get_ticks (fw_time_range_get_from (self->range),
                                           fw_time_range_get_to (self->range),
                                           self->timezone,
                                           CLAMP ((guint) self->plot.size.width / 90, 2, 12));
      draw_grid (self, snapshot, time_ticks);
    }

  gtk_snapshot_append_node (snapshot, self->data_node);

  if (!self->compact)
    {
      draw_labels (self, snapshot, time_ticks, width);
      if (!has_data (self))
        draw_empty (self, snapshot);
    }

  if (interactive && !self->compact)
    draw_pointer (self, snapshot);
}

static void
fw_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  FwChart *self = FW_CHART (widget);

  draw_chart (self, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget), TRUE);
}

/**
 * fw_chart_create_node:
 *
 * Draws the chart at @width × @height as it would show there, without the
 * pointer's crosshair, in dark ink for a white page whatever the theme:
 * for exporting it to a file.
 *
 * Returns: (transfer full) (nullable): the drawing
 */
GskRenderNode *
fw_chart_create_node (FwChart *self,
                      int      width,
                      int      height)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  GskRenderNode *node;

  g_return_val_if_fail (FW_IS_CHART (self), NULL);

  self->exporting = TRUE;
  g_clear_pointer (&self->data_node, gsk_render_node_unref);
  draw_chart (self, snapshot, width, height, FALSE);
  self->exporting = FALSE;
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));

  /* The cached drawing was made for another size. */
  invalidate_data (self);
  return node;
}

static void
fw_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  FwChart *self = FW_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->compact ? 40 : 200;
      *natural = self->compact ? 120 : 600;
    }
  else
    {
      *minimum = self->compact ? 24 : 120;
      *natural = self->compact ? 36 : 180;
    }
}

static gboolean
notify_plot_width_cb (gpointer user_data)
{
  FwChart *self = user_data;

  self->notify_width_source = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLOT_WIDTH]);

  return G_SOURCE_REMOVE;
}

static void
fw_chart_size_allocate (GtkWidget *widget,
                        int        width,
                        int        height,
                        int        baseline)
{
  FwChart *self = FW_CHART (widget);

  /* The plot width decides how much data the page reads. */
  if (self->range == NULL || self->timezone == NULL)
    return;

  layout_plot (self, width, height);
  if ((guint) self->plot.size.width != self->plot_width)
    {
      self->plot_width = (guint) self->plot.size.width;
      /* Told after the layout: whoever reads more data for the new width
       * may change other widgets, which must not happen mid-allocation. */
      if (self->notify_width_source == 0)
        self->notify_width_source = g_idle_add (notify_plot_width_cb, self);
    }
}

guint
fw_chart_get_plot_width (FwChart *self)
{
  g_return_val_if_fail (FW_IS_CHART (self), 0);

  if (self->plot.size.width < 2)
    return (guint) MAX (gtk_widget_get_width (GTK_WIDGET (self)), 300);
  return (guint) self->plot.size.width;
}

/**
 * fw_chart_get_point:
 * @point: (out): where the chart last drew @value at @time
 *
 * Returns: %FALSE when the chart has not been laid out yet
 */
gboolean
fw_chart_get_point (FwChart          *self,
                    FwTime            time,
                    double            value,
                    graphene_point_t *point)
{
  g_return_val_if_fail (FW_IS_CHART (self), FALSE);
  g_return_val_if_fail (point != NULL, FALSE);

  if (self->range == NULL || self->plot.size.width < 2)
    return FALSE;

  point->x = time_to_x (self, time);
  point->y = value_to_y (self, value);
  return TRUE;
}

/* Interaction --------------------------------------------------------- */

static gboolean
fw_chart_query_tooltip (GtkWidget  *widget,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip)
{
  FwChart *self = FW_CHART (widget);
  g_autoptr(GString) markup = NULL;
  g_autofree char *when = NULL;
  gboolean any = FALSE;
  FwSpan span = FW_SPAN_RAW;
  FwTime time = 0;

  if (self->compact || self->range == NULL || self->selecting || self->panning)
    return FALSE;

  if (keyboard)
    {
      g_autofree char *description = fw_chart_dup_description (self);

      gtk_tooltip_set_text (tooltip, description);
      return TRUE;
    }

  if (x < self->plot.origin.x || x > self->plot.origin.x + self->plot.size.width)
    return FALSE;

  markup = g_string_new (NULL);

  for (guint i = 0; i < self->series->len; i++)
    {
      FwChartSeries *series = g_ptr_array_index (self->series, i);
      FwParameter parameter = fw_chart_series_get_parameter (series);
      const GdkRGBA *color = fw_chart_get_series_color (i);
      const FwChartColumn *column;
      g_autofree char *mean = NULL;
      g_autofree char *label = NULL;
      guint index;

      column = column_near (self, i, x, &index);
      if (column == NULL)
        continue;

      span = MAX (span, fw_chart_series_get_span (series));
      /* The moment of the reading itself where the pixel holds one. */
      if (time == 0)
        time = column->first + (column->last - column->first) / 2;
      mean = fw_format_value_with_unit (parameter, column->sum / column->count);
      label = g_markup_escape_text (fw_chart_series_get_label (series), -1);

      g_string_append_printf (markup, "\n<span foreground=\"#%02x%02x%02x\">●</span> %s: <b>%s</b>",
                              (int) (color->red * 255), (int) (color->green * 255), (int) (color->blue * 255),
                              label, mean);

      if (column->max > column->min)
        {
          g_autofree char *min = fw_format_value (parameter, column->min);
          g_autofree char *max = fw_format_value (parameter, column->max);
          g_autofree char *range = NULL;

          /* TRANSLATORS: in a chart's tooltip, after the mean: the lowest
           * and highest readings of the moment pointed at */
          range = g_markup_printf_escaped (_(" (%s to %s)"), min, max);
          g_string_append (markup, range);
        }
      any = TRUE;
    }

  if (!any)
    return FALSE;

  when = fw_time_axis_format_time (time, span, self->timezone);
  g_string_prepend (markup, when);
  gtk_tooltip_set_markup (tooltip, markup->str);
  return TRUE;
}

static void
on_motion_cb (FwChart *self,
              double   x,
              double   y)
{
  self->hover_x = x;
  self->hovering = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave_cb (FwChart *self)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
begin_pan (FwChart *self,
           double   x)
{
  self->panning = TRUE;
  self->drag_start_x = x;
  self->pan_from = fw_time_range_get_from (self->range);
  self->pan_to = fw_time_range_get_to (self->range);
}

static void
on_drag_begin_cb (FwChart        *self,
                  double          x,
                  double          y,
                  GtkGestureDrag *gesture)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  if (self->range == NULL || self->compact || button == GDK_BUTTON_SECONDARY)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (button == GDK_BUTTON_MIDDLE || (state & GDK_SHIFT_MASK) != 0)
    begin_pan (self, x);
  else
    {
      self->selecting = TRUE;
      self->drag_start_x = x;
      self->drag_x = x;
    }
}

static void
on_drag_update_cb (FwChart        *self,
                   double          dx,
                   double          dy,
                   GtkGestureDrag *gesture)
{
  if (self->panning)
    {
      FwTime shift = (FwTime) llround (dx / self->plot.size.width * (self->pan_to - self->pan_from));

      fw_time_range_set (self->range, self->pan_from - shift, self->pan_to - shift);
    }
  else if (self->selecting)
    {
      self->drag_x = self->drag_start_x + dx;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_drag_end_cb (FwChart        *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  if (self->selecting && fabs (dx) >= MIN_DRAG)
    {
      double x0 = MIN (self->drag_start_x, self->drag_start_x + dx);
      double x1 = MAX (self->drag_start_x, self->drag_start_x + dx);

      self->selecting = FALSE;
      fw_time_range_set (self->range, x_to_time (self, x0), x_to_time (self, x1));
    }

  self->selecting = FALSE;
  self->panning = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Vertical scrolling zooms about the pointer, horizontal scrolling pans.
 * A chart in a scrolling page lets the page have the wheel unless the
 * chart has the focus (it was clicked) or Ctrl is held, so a stack of
 * charts can still be scrolled through. */
static gboolean
on_scroll_cb (FwChart                  *self,
              double                    dx,
              double                    dy,
              GtkEventControllerScroll *controller)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean zooms;

  if (self->range == NULL || self->compact)
    return FALSE;

  zooms = dy != 0 &&
          ((state & GDK_CONTROL_MASK) != 0 ||
           gtk_widget_has_focus (GTK_WIDGET (self)) ||
           gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW) == NULL);

  if (dx != 0)
    fw_time_range_pan (self->range, dx * 0.05);

  if (zooms)
    {
      FwTime anchor = self->hovering ? x_to_time (self, self->hover_x)
                                     : fw_time_range_get_from (self->range) + fw_time_range_get_span (self->range) / 2;

      fw_time_range_zoom (self->range, pow (1.25, dy), anchor);
    }

  return dx != 0 || zooms;
}

static FwTime
centre (FwChart *self)
{
  return fw_time_range_get_from (self->range) + fw_time_range_get_span (self->range) / 2;
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FwChart *self = FW_CHART (widget);

  if (self->range != NULL)
    fw_time_range_zoom (self->range, g_variant_get_double (parameter), centre (self));
}

static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FwChart *self = FW_CHART (widget);

  if (self->range != NULL)
    fw_time_range_pan (self->range, g_variant_get_double (parameter));
}

static void
show_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FwChart *self = FW_CHART (widget);

  if (self->range != NULL)
    fw_time_range_show_last (self->range, fw_time_range_get_span (self->range));
}

/* Public API ---------------------------------------------------------- */

GtkWidget *
fw_chart_new (void)
{
  return g_object_new (FW_TYPE_CHART, NULL);
}

FwTimeRange *
fw_chart_get_range (FwChart *self)
{
  g_return_val_if_fail (FW_IS_CHART (self), NULL);

  return self->range;
}

/**
 * fw_chart_set_range:
 * @range: (nullable): the range to show, shared with other charts
 */
void
fw_chart_set_range (FwChart     *self,
                    FwTimeRange *range)
{
  g_return_if_fail (FW_IS_CHART (self));
  g_return_if_fail (range == NULL || FW_IS_TIME_RANGE (range));

  if (self->range == range)
    return;

  if (self->range != NULL)
    g_signal_handlers_disconnect_by_func (self->range, on_range_changed_cb, self);

  g_set_object (&self->range, range);

  if (range != NULL)
    g_signal_connect_object (range, "changed", G_CALLBACK (on_range_changed_cb), self, G_CONNECT_SWAPPED);

  on_range_changed_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANGE]);
}

GTimeZone *
fw_chart_get_timezone (FwChart *self)
{
  g_return_val_if_fail (FW_IS_CHART (self), NULL);

  return self->timezone;
}

void
fw_chart_set_timezone (FwChart   *self,
                       GTimeZone *timezone)
{
  g_return_if_fail (FW_IS_CHART (self));

  if (self->timezone == timezone)
    return;

  g_clear_pointer (&self->timezone, g_time_zone_unref);
  if (timezone != NULL)
    self->timezone = g_time_zone_ref (timezone);

  on_range_changed_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEZONE]);
}

gboolean
fw_chart_get_compact (FwChart *self)
{
  g_return_val_if_fail (FW_IS_CHART (self), FALSE);

  return self->compact;
}

void
fw_chart_set_compact (FwChart  *self,
                      gboolean  compact)
{
  g_return_if_fail (FW_IS_CHART (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  self->compact = compact;
  gtk_widget_set_focusable (GTK_WIDGET (self), !compact);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), !compact);
  if (compact)
    gtk_widget_add_css_class (GTK_WIDGET (self), "compact");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "compact");

  invalidate_data (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}

const char *
fw_chart_get_title (FwChart *self)
{
  g_return_val_if_fail (FW_IS_CHART (self), NULL);

  return self->title;
}

/**
 * fw_chart_set_title:
 * @title: (nullable): drawn above the plot, and the chart's accessible name
 */
void
fw_chart_set_title (FwChart    *self,
                    const char *title)
{
  g_return_if_fail (FW_IS_CHART (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  invalidate_data (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
fw_chart_add_series (FwChart       *self,
                     FwChartSeries *series)
{
  g_return_if_fail (FW_IS_CHART (self));
  g_return_if_fail (FW_IS_CHART_SERIES (series));

  g_ptr_array_add (self->series, g_object_ref (series));
  g_ptr_array_add (self->columns, g_array_new (FALSE, TRUE, sizeof (FwChartColumn)));
  fw_chart_data_changed (self);
}

void
fw_chart_remove_all_series (FwChart *self)
{
  g_return_if_fail (FW_IS_CHART (self));

  g_ptr_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->columns, 0);
  fw_chart_data_changed (self);
}

guint
fw_chart_get_n_series (FwChart *self)
{
  g_return_val_if_fail (FW_IS_CHART (self), 0);

  return self->series->len;
}

/**
 * fw_chart_get_series:
 *
 * Returns: (transfer none): the series at @index
 */
FwChartSeries *
fw_chart_get_series (FwChart *self,
                     guint    index)
{
  g_return_val_if_fail (FW_IS_CHART (self), NULL);
  g_return_val_if_fail (index < self->series->len, NULL);

  return g_ptr_array_index (self->series, index);
}

/**
 * fw_chart_set_limits:
 *
 * Draws bands where the values are past @limits: warning in yellow,
 * critical in red.
 */
void
fw_chart_set_limits (FwChart        *self,
                     const FwLimits *limits)
{
  g_return_if_fail (FW_IS_CHART (self));
  g_return_if_fail (limits != NULL);

  self->limits = *limits;
  self->has_limits = !isnan (limits->critical_low) || !isnan (limits->warning_low) ||
                     !isnan (limits->warning_high) || !isnan (limits->critical_high);
  invalidate_data (self);
}

void
fw_chart_clear_limits (FwChart *self)
{
  g_return_if_fail (FW_IS_CHART (self));

  self->has_limits = FALSE;
  invalidate_data (self);
}

/**
 * fw_chart_data_changed:
 *
 * Says that a series took new data: the chart draws it and tells screen
 * readers.
 */
void
fw_chart_data_changed (FwChart *self)
{
  g_return_if_fail (FW_IS_CHART (self));

  invalidate_data (self);
  update_description (self);
}

/**
 * fw_chart_dup_description:
 *
 * Returns: (transfer full): what the chart shows, in words: each series'
 *   lowest, highest and latest values and its trend over the range
 */
char *
fw_chart_dup_description (FwChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (FW_IS_CHART (self), NULL);

  if (self->range == NULL || self->timezone == NULL)
    return g_string_free (g_steal_pointer (&text), FALSE);

  for (guint i = 0; i < self->series->len; i++)
    {
      g_autofree char *sentence = fw_chart_series_describe (g_ptr_array_index (self->series, i),
                                                            fw_time_range_get_from (self->range),
                                                            fw_time_range_get_to (self->range),
                                                            self->timezone);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, sentence);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Boilerplate --------------------------------------------------------- */

static void
fw_chart_dispose (GObject *object)
{
  FwChart *self = FW_CHART (object);

  fw_chart_set_range (self, NULL);
  g_clear_pointer (&self->data_node, gsk_render_node_unref);
  g_clear_handle_id (&self->notify_width_source, g_source_remove);

  G_OBJECT_CLASS (fw_chart_parent_class)->dispose (object);
}

static void
fw_chart_finalize (GObject *object)
{
  FwChart *self = FW_CHART (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (fw_chart_parent_class)->finalize (object);
}

static void
fw_chart_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  FwChart *self = FW_CHART (object);

  switch (prop_id)
    {
    case PROP_RANGE:
      g_value_set_object (value, self->range);
      break;

    case PROP_TIMEZONE:
      g_value_set_boxed (value, self->timezone);
      break;

    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_PLOT_WIDTH:
      g_value_set_uint (value, fw_chart_get_plot_width (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_chart_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  FwChart *self = FW_CHART (object);

  switch (prop_id)
    {
    case PROP_RANGE:
      fw_chart_set_range (self, g_value_get_object (value));
      break;

    case PROP_TIMEZONE:
      fw_chart_set_timezone (self, g_value_get_boxed (value));
      break;

    case PROP_COMPACT:
      fw_chart_set_compact (self, g_value_get_boolean (value));
      break;

    case PROP_TITLE:
      fw_chart_set_title (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fw_chart_class_init (FwChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fw_chart_dispose;
  object_class->finalize = fw_chart_finalize;
  object_class->get_property = fw_chart_get_property;
  object_class->set_property = fw_chart_set_property;

  widget_class->snapshot = fw_chart_snapshot;
  widget_class->measure = fw_chart_measure;
  widget_class->size_allocate = fw_chart_size_allocate;
  widget_class->query_tooltip = fw_chart_query_tooltip;

  properties[PROP_RANGE] =
    g_param_spec_object ("range", NULL, NULL,
                         FW_TYPE_TIME_RANGE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIMEZONE] =
    g_param_spec_boxed ("timezone", NULL, NULL,
                        G_TYPE_TIME_ZONE,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* How many pixels wide the plot is: how much data it needs. */
  properties[PROP_PLOT_WIDTH] =
    g_param_spec_uint ("plot-width", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Zoom by a factor of the span, about the middle; pan by a fraction
   * of it; or come back to the present. */
  gtk_widget_class_install_action (widget_class, "chart.zoom", "d", zoom_action);
  gtk_widget_class_install_action (widget_class, "chart.pan", "d", pan_action);
  gtk_widget_class_install_action (widget_class, "chart.show-now", NULL, show_now_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "chart.zoom", "d", 0.5);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "chart.zoom", "d", 0.5);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "chart.zoom", "d", 0.5);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "chart.zoom", "d", 2.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "chart.zoom", "d", 2.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "chart.pan", "d", -0.1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "chart.pan", "d", 0.1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "chart.pan", "d", -1.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "chart.pan", "d", 1.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "chart.show-now", NULL);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fw_chart_init (FwChart *self)
{
  GtkEventController *motion;
  GtkEventController *scroll;
  GtkGesture *drag;

  self->series = g_ptr_array_new_with_free_func (g_object_unref);
  self->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->limits = (FwLimits) { NAN, NAN, NAN, NAN };

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (motion, "enter", G_CALLBACK (on_motion_cb), self);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect_swapped (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  /* Any button: the first selects a span to zoom into (or pans with
   * Shift), the middle one pans. */
  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect_swapped (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect_swapped (scroll, "scroll", G_CALLBACK (on_scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
}
