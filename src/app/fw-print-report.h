/* fw-print-report.h — a unit's or the farm's logbook and stock on paper
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _FwPrintReport FwPrintReport;

FwPrintReport *fw_print_report_new         (const char     *title,
                                            const char     *range);
void           fw_print_report_free        (FwPrintReport  *self);
void           fw_print_report_add_figure  (FwPrintReport  *self,
                                            const char     *name,
                                            const char     *value);
void           fw_print_report_add_entry   (FwPrintReport  *self,
                                            const char     *time,
                                            const char     *unit,
                                            const char     *kind,
                                            const char     *details);
guint          fw_print_report_count_pages (FwPrintReport  *self,
                                            double          height);
void           fw_print_report_draw_page   (FwPrintReport  *self,
                                            cairo_t        *cr,
                                            double          width,
                                            double          height,
                                            guint           page);
GBytes        *fw_print_report_to_pdf      (FwPrintReport  *self,
                                            GError        **error);
gboolean       fw_print_report_print       (FwPrintReport  *self,
                                            GtkWindow      *parent,
                                            GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwPrintReport, fw_print_report_free)

G_END_DECLS
