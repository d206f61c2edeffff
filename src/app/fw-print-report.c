/* fw-print-report.c — a unit's or the farm's logbook and stock on paper
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One drawing for both ways to paper: a PDF written through cairo, and
 * the printer through GtkPrintOperation. The first page carries the title,
 * the range and the stock figures; every page the logbook's entries in
 * rows of fixed height (long details are cut with an ellipsis), so pages
 * are counted without laying anything out.
 */

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "fw-app-util.h"
#include "fw-print-report.h"

#define MARGIN      40.0
#define LINE        15.0
#define TITLE_SIZE  16
#define TEXT_SIZE   9
#define A4_WIDTH    595.0    /* points */
#define A4_HEIGHT   842.0

struct _FwPrintReport
{
  char      *title;
  char      *range;
  GPtrArray *rows;           /* GStrv: time, unit, kind, details */
  GPtrArray *figures;        /* GStrv: name, value */
};

FwPrintReport *
fw_print_report_new (const char *title,
                     const char *range)
{
  FwPrintReport *self = g_new0 (FwPrintReport, 1);

  self->title = g_strdup (title);
  self->range = g_strdup (range);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->figures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  return self;
}

void
fw_print_report_free (FwPrintReport *self)
{
  if (self == NULL)
    return;

  g_free (self->title);
  g_free (self->range);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->figures);
  g_free (self);
}

void
fw_print_report_add_figure (FwPrintReport *self,
                            const char    *name,
                            const char    *value)
{
  const char *pair[] = { name, value, NULL };

  g_ptr_array_add (self->figures, g_strdupv ((char **) pair));
}

void
fw_print_report_add_entry (FwPrintReport *self,
                           const char    *time,
                           const char    *unit,
                           const char    *kind,
                           const char    *details)
{
  const char *row[] = { time, unit, kind, details, NULL };

  g_ptr_array_add (self->rows, g_strdupv ((char **) row));
}

/* Rows of the logbook the first page holds, and each page after it. */
static guint
rows_on_page (FwPrintReport *self,
              double         height,
              guint          page)
{
  double top = MARGIN + (page == 0 ? 2 * LINE + 8 + (self->figures->len + 2) * LINE : 0) + 2 * LINE;

  return (guint) MAX (1, floor ((height - MARGIN - top) / LINE));
}

/**
 * fw_print_report_count_pages:
 *
 * Returns: how many pages of @height points the report takes
 */
guint
fw_print_report_count_pages (FwPrintReport *self,
                             double         height)
{
  guint pages = 1, shown = rows_on_page (self, height, 0);

  while (shown < self->rows->len)
    shown += rows_on_page (self, height, pages++);

  return pages;
}

static void
show_text (cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      width,
           int         size,
           gboolean    bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");

  pango_font_description_set_size (font, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);

  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);

  pango_font_description_free (font);
  g_object_unref (layout);
}

/**
 * fw_print_report_draw_page:
 * @cr: where to draw, in points, the page's corner at the origin
 *
 * Draws page @page (from 0) of the report on a page @width × @height.
 */
void
fw_print_report_draw_page (FwPrintReport *self,
                           cairo_t       *cr,
                           double         width,
                           double         height,
                           guint          page)
{
  const double columns[] = { 0, 0.27, 0.41, 0.55 };   /* of the text width */
  double text_width = width - 2 * MARGIN;
  double y = MARGIN;
  guint first = 0;
  g_autofree char *footer = NULL;

  for (guint p = 0; p < page; p++)
    first += rows_on_page (self, height, p);

  cairo_set_source_rgb (cr, 0.141, 0.122, 0.192);

  if (page == 0)
    {
      show_text (cr, self->title, MARGIN, y, text_width, TITLE_SIZE, TRUE);
      y += 2 * LINE;
      show_text (cr, self->range, MARGIN, y, text_width, TEXT_SIZE + 1, FALSE);
      y += LINE + 8;

      if (self->figures->len > 0)
        {
          show_text (cr, _("Stock"), MARGIN, y, text_width, TEXT_SIZE + 1, TRUE);
          y += LINE;
          for (guint i = 0; i < self->figures->len; i++)
            {
              char **pair = g_ptr_array_index (self->figures, i);

              show_text (cr, pair[0], MARGIN, y, text_width * 0.4, TEXT_SIZE, FALSE);
              show_text (cr, pair[1], MARGIN + text_width * 0.4, y, text_width * 0.6, TEXT_SIZE, TRUE);
              y += LINE;
            }
          y += LINE;
        }
      else
        y += (self->figures->len + 2) * LINE;
    }

  show_text (cr, _("Logbook"), MARGIN, y, text_width, TEXT_SIZE + 1, TRUE);
  y += LINE + 3;
  cairo_rectangle (cr, MARGIN, y, text_width, 0.5);
  cairo_fill (cr);
  y += LINE - 11;

  if (self->rows->len == 0)
    show_text (cr, _("No entries in this range"), MARGIN, y, text_width, TEXT_SIZE, FALSE);

  for (guint i = first; i < self->rows->len && i < first + rows_on_page (self, height, page); i++)
    {
      char **row = g_ptr_array_index (self->rows, i);

      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          double x = MARGIN + columns[c] * text_width;
          double w = (c + 1 < G_N_ELEMENTS (columns) ? columns[c + 1] : 1.0) * text_width - columns[c] * text_width - 6;

          show_text (cr, row[c], x, y, w, TEXT_SIZE, c == 2);
        }
      y += LINE;
    }

  /* TRANSLATORS: the footer of a printed report: page N of M */
  footer = g_strdup_printf (_("Page %u of %u"), page + 1, fw_print_report_count_pages (self, height));
  show_text (cr, footer, MARGIN, height - MARGIN + 8, text_width, TEXT_SIZE - 1, FALSE);
}

/**
 * fw_print_report_to_pdf:
 *
 * Returns: (transfer full): the report as an A4 PDF, or %NULL with @error set
 */
GBytes *
fw_print_report_to_pdf (FwPrintReport  *self,
                        GError        **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (fw_cairo_append_to_array, bytes, A4_WIDTH, A4_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  guint pages = fw_print_report_count_pages (self, A4_HEIGHT);
  cairo_status_t status;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, self->title);

  for (guint page = 0; page < pages; page++)
    {
      fw_print_report_draw_page (self, cr, A4_WIDTH, A4_HEIGHT, page);
      cairo_show_page (cr);
    }

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  return fw_cairo_finish_bytes (status, g_steal_pointer (&bytes), error);
}

static void
on_begin_print_cb (GtkPrintOperation *operation,
                   GtkPrintContext   *context,
                   FwPrintReport     *self)
{
  gtk_print_operation_set_n_pages (operation,
                                   fw_print_report_count_pages (self, gtk_print_context_get_height (context)));
}

static void
on_draw_page_cb (GtkPrintOperation *operation,
                 GtkPrintContext   *context,
                 int                page,
                 FwPrintReport     *self)
{
  fw_print_report_draw_page (self, gtk_print_context_get_cairo_context (context),
                             gtk_print_context_get_width (context),
                             gtk_print_context_get_height (context), page);
}

/**
 * fw_print_report_print:
 * @self: (transfer full): the report, freed once printed or cancelled
 *
 * Opens the print dialog for the report and prints it.
 *
 * Returns: %FALSE with @error set when printing failed
 */
gboolean
fw_print_report_print (FwPrintReport  *self,
                       GtkWindow      *parent,
                       GError        **error)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();

  gtk_print_operation_set_job_name (operation, self->title);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print_cb), self);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page_cb), self);
  g_object_set_data_full (G_OBJECT (operation), "fw-report", self, (GDestroyNotify) fw_print_report_free);

  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, error) !=
         GTK_PRINT_OPERATION_RESULT_ERROR;
}
