/* fw-csv.c — writing CSV that spreadsheets read right
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 4180: fields with a comma, a quote or a line break are quoted, and
 * quotes doubled; rows end in CRLF; numbers carry a decimal point
 * whatever the locale. Text that begins like a formula (=, +, -, @) gets
 * an apostrophe, so a spreadsheet shows it rather than running it.
 */

#include "config.h"

#include <string.h>

#include "fw-csv.h"

void
fw_csv_append_field (GString    *csv,
                     const char *text)
{
  g_return_if_fail (csv != NULL);

  if (text == NULL)
    return;

  /* Text a spreadsheet would take for a formula is written as text. */
  if (*text == '=' || *text == '+' || *text == '-' || *text == '@')
    {
      g_autofree char *quoted = g_strconcat ("'", text, NULL);

      fw_csv_append_field (csv, quoted);
      return;
    }

  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (csv, text);
      return;
    }

  g_string_append_c (csv, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

/* An empty field for a number that is not finite. */
void
fw_csv_append_number (GString *csv,
                      double   value,
                      int      digits)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];

  g_return_if_fail (csv != NULL);

  if (value != value || value - value != 0)
    return;

  g_snprintf (format, sizeof format, "%%.%df", CLAMP (digits, 0, 12));
  g_string_append (csv, g_ascii_formatd (buffer, sizeof buffer, format, value));
}

void
fw_csv_end_row (GString *csv)
{
  g_string_append (csv, "\r\n");
}
