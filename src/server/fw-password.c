/* fw-password.c — password hashes and access tokens
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Passwords are hashed with Argon2id (libsodium's crypto_pwhash_str at its
 * "interactive" limits: 64 MiB and two passes). That memory is the point of
 * a memory-hard hash and also its danger on a small server: a burst of
 * logins could take gigabytes. At most MAX_HASHING hashes run at once;
 * the others wait their turn.
 *
 * Tokens are 32 random bytes, base64url, with a prefix that says what they
 * are ("fws_" for a person's session, "fwd_" for a device). The store
 * keeps only their SHA-256, so a copy of the store gives no one a way in.
 */

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <sodium.h>

#include "fw-password.h"

#define MAX_HASHING 2

static GMutex hashing_lock;
static GCond hashing_done;
static guint hashing;

gboolean
fw_password_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "libsodium could not be initialised");
      return FALSE;
    }

  return TRUE;
}

static void
begin_hashing (void)
{
  g_mutex_lock (&hashing_lock);
  while (hashing >= MAX_HASHING)
    g_cond_wait (&hashing_done, &hashing_lock);
  hashing++;
  g_mutex_unlock (&hashing_lock);
}

static void
end_hashing (void)
{
  g_mutex_lock (&hashing_lock);
  hashing--;
  g_cond_signal (&hashing_done);
  g_mutex_unlock (&hashing_lock);
}

/**
 * fw_password_hash:
 *
 * Returns: (transfer full): the Argon2id hash string, or %NULL when there
 *   was not memory enough
 */
char *
fw_password_hash (const char  *password,
                  GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];
  int rc;

  g_return_val_if_fail (password != NULL, NULL);

  begin_hashing ();
  rc = crypto_pwhash_str (hash, password, strlen (password),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE);
  end_hashing ();

  if (rc != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "Not enough memory to hash a password");
      return NULL;
    }

  return g_strdup (hash);
}

/* With no hash (an unknown user), a made-up one is checked all the same,
 * so that the answer takes as long as for a real user. */
gboolean
fw_password_verify (const char *hash,
                    const char *password)
{
  static char *decoy;
  static gsize decoy_made;
  gboolean ok;

  g_return_val_if_fail (password != NULL, FALSE);

  if (g_once_init_enter (&decoy_made))
    {
      decoy = fw_password_hash ("no user has this password", NULL);
      g_once_init_leave (&decoy_made, 1);
    }

  begin_hashing ();
  ok = crypto_pwhash_str_verify (hash != NULL ? hash : decoy, password, strlen (password)) == 0;
  end_hashing ();

  return ok && hash != NULL;
}

char *
fw_token_new (const char *prefix)
{
  guchar bytes[32];
  char encoded[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (encoded, sizeof encoded, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);

  return g_strconcat (prefix, encoded, NULL);
}

char *
fw_token_hash (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}
