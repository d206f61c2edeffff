/* fw-names.h — enums by the names they have on the wire and on disk
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean fw_names_lookup (const char *const *names,
                          guint              n_names,
                          const char        *text,
                          guint             *index);

G_END_DECLS
