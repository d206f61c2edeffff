/* fw-names.c — enums by the names they have on the wire and on disk
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every enum that travels (severities, alert states, entities, unit kinds
 * …) keeps its names in an array in enum order; this finds one.
 */

#include "config.h"

#include "fw-names.h"

/**
 * fw_names_lookup:
 * @names: (array length=n_names): the names, in enum order
 * @text: (nullable): a name read from outside
 * @index: (out) (optional): its place in @names
 *
 * Returns: whether @text is one of @names
 */
gboolean
fw_names_lookup (const char *const *names,
                 guint              n_names,
                 const char        *text,
                 guint             *index)
{
  for (guint i = 0; text != NULL && i < n_names; i++)
    {
      if (g_str_equal (names[i], text))
        {
          if (index != NULL)
            *index = i;
          return TRUE;
        }
    }

  return FALSE;
}
