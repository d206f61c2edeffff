/* fw-password.h — password hashes and access tokens
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FW_SESSION_TOKEN_PREFIX "fws_"
#define FW_DEVICE_TOKEN_PREFIX "fwd_"

gboolean  fw_password_init   (GError     **error);
char     *fw_password_hash   (const char  *password,
                              GError     **error);
gboolean  fw_password_verify (const char  *hash,
                              const char  *password);
char     *fw_token_new       (const char  *prefix);
char     *fw_token_hash      (const char  *token);

G_END_DECLS
