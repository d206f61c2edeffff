/* fw-csv.h — writing CSV that spreadsheets read right
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void fw_csv_append_field  (GString    *csv,
                           const char *text);
void fw_csv_append_number (GString    *csv,
                           double      value,
                           int         digits);
void fw_csv_end_row       (GString    *csv);

G_END_DECLS
