/* fw-sign-in-dialog.h
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "fw-sync-controller.h"

G_BEGIN_DECLS

#define FW_TYPE_SIGN_IN_DIALOG (fw_sign_in_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FwSignInDialog, fw_sign_in_dialog, FW, SIGN_IN_DIALOG, AdwWindow)

GtkWidget *fw_sign_in_dialog_new (GtkWindow        *parent,
                                  FwSyncController *controller);

G_END_DECLS
