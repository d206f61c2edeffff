/* fw-store.h — what the server keeps, behind one interface
 *
 * Copyright 2026 The Fish Watch Team
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "fw-core.h"

G_BEGIN_DECLS

#define FW_STORE_ERROR (fw_store_error_quark ())

typedef enum
{
  FW_STORE_ERROR_FAILED,
  FW_STORE_ERROR_UNAVAILABLE,
  FW_STORE_ERROR_NOT_FOUND,
  FW_STORE_ERROR_EXISTS,
  FW_STORE_ERROR_INVALID,
  FW_STORE_ERROR_TOO_NEW,
} FwStoreError;

typedef enum
{
  FW_ROLE_WORKER,
  FW_ROLE_MANAGER,
  FW_ROLE_ADMIN,
} FwRole;

const char *fw_role_to_string   (FwRole      role);
gboolean    fw_role_from_string (const char *text,
                                 FwRole     *role);

typedef struct
{
  gint64      id;
  char       *uuid;
  char       *username;
  char       *display_name;
  FwRole      role;
  char       *password_hash;    /* only from fw_store_find_user() */
  GPtrArray  *farm_uuids;       /* the farms a non-admin may see */
} FwUser;

FwUser  *fw_user_new           (void);
void     fw_user_free          (FwUser     *user);
gboolean fw_user_can_see_farm  (FwUser     *user,
                                const char *farm_uuid);
JsonNode *fw_user_to_json      (FwUser     *user);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwUser, fw_user_free)

typedef enum
{
  FW_LOGIN_ATTEMPT_CHECK,
  FW_LOGIN_ATTEMPT_FAILED,
  FW_LOGIN_ATTEMPT_SUCCEEDED,
} FwLoginAttempt;

typedef struct
{
  char *uuid;
  char *farm_uuid;
  char *name;
} FwDevice;

void fw_device_free (FwDevice *device);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FwDevice, fw_device_free)

typedef enum
{
  FW_MUTATION_APPLIED,
  FW_MUTATION_REJECTED,
  FW_MUTATION_CONFLICT,
} FwMutationStatus;

const char *fw_mutation_status_to_string (FwMutationStatus status);

/* One change a client asks for: an upsert of @record, or its deletion. */
typedef struct
{
  char     *mutation_id;
  FwEntity  entity;
  gboolean  delete;
  char     *record_uuid;
  FwRecord *record;          /* NULL for a delete */
  gint64    base_revision;   /* the revision the client edited; 0 if new */
  /* Set when the mutation could not be read: it is answered as rejected,
   * and the answer kept, without touching any record. */
  char     *invalid_code;
  char     *invalid_message;
  char     *invalid_field;
} FwMutation;

FwMutation *fw_mutation_new_upsert (FwRecord   *record);
void        fw_mutation_free       (FwMutation *mutation);

typedef struct
{
  char             *mutation_id;
  char             *record_uuid;
  FwMutationStatus  status;
  gint64            revision;      /* the record's revision after it */
  char             *code;          /* why it was rejected */
  char             *message;
  char             *field;
  JsonNode         *server_record; /* the server's version, on conflict */
} FwMutationResult;

void fw_mutation_result_free (FwMutationResult *result);

typedef struct
{
  FwEntity  entity;
  char     *farm_uuid;
  JsonNode *record;
} FwChange;

void fw_change_free (FwChange *change);

/* A record as a store reads it, for the checks every store makes. */
typedef struct
{
  gboolean  exists;
  FwEntity  entity;
  char     *farm_uuid;
  gint64    revision;
  FwTime    created_at;
  gboolean  deleted;
  char     *author;      /* a logbook entry's, from its body */
  JsonNode *body;
} FwStoredRecord;

void fw_stored_record_clear     (FwStoredRecord *record);
void fw_stored_record_take_body (FwStoredRecord *record,
                                 JsonNode       *body);

typedef gboolean (*FwStoreLoadFunc)  (gpointer         data,
                                      const char      *uuid,
                                      FwStoredRecord  *record,
                                      GError         **error);
typedef gboolean (*FwStoreWriteFunc) (gpointer         data,
                                      FwEntity         entity,
                                      const char      *uuid,
                                      const char      *farm_uuid,
                                      const char      *parent_uuid,
                                      gint64           revision,
                                      FwTime           created_at,
                                      FwTime           updated_at,
                                      gboolean         deleted,
                                      JsonNode        *body,
                                      GError         **error);

FwMutationResult *fw_mutation_result_new  (FwMutation       *mutation,
                                           FwMutationStatus  status,
                                           const char       *code,
                                           const char       *message,
                                           const char       *field);
FwAlert          *fw_store_write_alert    (FwAlert             *alert,
                                           const FwAlertEvent  *event,
                                           FwTime               now,
                                           gint64               revision,
                                           FwStoreLoadFunc      load,
                                           FwStoreWriteFunc     write,
                                           gpointer             data,
                                           gboolean            *wrote,
                                           GError             **error);
FwMutationResult *fw_store_apply_mutation (FwUser           *user,
                                           FwMutation       *mutation,
                                           gint64           *revision,
                                           FwTime            now,
                                           FwStoreLoadFunc   load,
                                           FwStoreWriteFunc  write,
                                           gpointer          data,
                                           GError          **error);

/* The readings of one sensor in an ingest request, in request order. */
typedef struct
{
  char     *sensor_uuid;
  GArray   *readings;        /* FwReading */
  GArray   *indexes;         /* guint: each reading's place in the request */
  /* filled by the store: */
  guint     accepted;
  guint     rejected;
  char     *error;           /* a reason for the whole batch */
  GArray   *rejections;      /* FwRejection */
} FwIngestBatch;

typedef struct
{
  guint       index;
  FwTime      time;
  const char *reason;        /* static string */
} FwRejection;

FwIngestBatch *fw_ingest_batch_new  (const char    *sensor_uuid);
void           fw_ingest_batch_free (FwIngestBatch *batch);
void           fw_ingest_batch_reject (FwIngestBatch *batch,
                                       guint          index,
                                       FwTime         time,
                                       const char    *reason);

typedef enum
{
  FW_RESOLUTION_RAW,
  FW_RESOLUTION_HOUR,
  FW_RESOLUTION_DAY,
} FwResolution;

/* One sensor's run of readings in a farm-wide page. */
typedef struct
{
  gint64  sensor_id;         /* the store's own, for the page cursor */
  char   *sensor_uuid;
  GArray *readings;          /* FwReading, oldest first */
} FwSensorRun;

void fw_sensor_run_free (FwSensorRun *run);

typedef struct
{
  char   *sensor_uuid;
  char   *unit_uuid;
  FwParameter parameter;
  FwTime  time;
  double  value;
} FwLatest;

void fw_latest_free (FwLatest *latest);

typedef struct
{
  gint64 farms;
  gint64 units;
  gint64 sensors;
  gint64 users;
  gint64 readings;
  gint64 revision;
  gint64 alerts_firing[FW_N_SEVERITIES];   /* by severity; not acknowledged */
} FwStoreCounts;

#define FW_TYPE_STORE (fw_store_get_type ())

G_DECLARE_INTERFACE (FwStore, fw_store, FW, STORE, GObject)

struct _FwStoreInterface
{
  GTypeInterface parent_iface;

  gboolean    (*ping)                (FwStore        *self,
                                      GError        **error);
  const char *(*get_epoch)           (FwStore        *self);
  FwUser     *(*find_user)           (FwStore        *self,
                                      const char     *username,
                                      GError        **error);
  GPtrArray  *(*list_users)          (FwStore        *self,
                                      GError        **error);
  gboolean    (*add_user)            (FwStore        *self,
                                      FwUser         *user,
                                      const char     *password_hash,
                                      GError        **error);
  gboolean    (*add_session)         (FwStore        *self,
                                      FwUser         *user,
                                      const char     *token_hash,
                                      FwTime          expires_at,
                                      GError        **error);
  FwUser     *(*find_session)        (FwStore        *self,
                                      const char     *token_hash,
                                      FwTime          now,
                                      GError        **error);
  gboolean    (*remove_session)      (FwStore        *self,
                                      const char     *token_hash,
                                      GError        **error);
  gboolean    (*throttle_login)      (FwStore        *self,
                                      const char     *key,
                                      FwLoginAttempt  attempt,
                                      FwTime          now,
                                      guint           window,
                                      guint          *failures,
                                      FwTime         *window_start,
                                      GError        **error);
  gboolean    (*add_device)          (FwStore        *self,
                                      const char     *farm_uuid,
                                      const char     *name,
                                      const char     *token_hash,
                                      char          **uuid,
                                      GError        **error);
  FwDevice   *(*find_device)         (FwStore        *self,
                                      const char     *token_hash,
                                      GError        **error);
  GPtrArray  *(*list_records)        (FwStore        *self,
                                      FwEntity        entity,
                                      const char     *farm_uuid,
                                      const char     *parent_uuid,
                                      GError        **error);
  JsonNode   *(*get_record)          (FwStore        *self,
                                      FwEntity        entity,
                                      const char     *uuid,
                                      char          **farm_uuid,
                                      GError        **error);
  GPtrArray  *(*apply_mutations)     (FwStore        *self,
                                      FwUser         *user,
                                      GPtrArray      *mutations,
                                      FwTime          now,
                                      GError        **error);
  GPtrArray  *(*pull)                (FwStore        *self,
                                      FwUser         *user,
                                      gint64          after,
                                      guint           limit,
                                      gint64         *last,
                                      gboolean       *more,
                                      GError        **error);
  gboolean    (*ingest)              (FwStore        *self,
                                      FwDevice       *device,
                                      GPtrArray      *batches,
                                      FwTime          now,
                                      GError        **error);
  GArray     *(*query_readings)      (FwStore        *self,
                                      const char     *sensor_uuid,
                                      FwTime          from,
                                      FwTime          to,
                                      FwResolution    resolution,
                                      guint           limit,
                                      GError        **error);
  GPtrArray  *(*farm_readings)       (FwStore        *self,
                                      const char     *farm_uuid,
                                      FwTime          from,
                                      FwTime          to,
                                      gint64          after_sensor,
                                      FwTime          after_time,
                                      guint           limit,
                                      GError        **error);
  GPtrArray  *(*latest_readings)     (FwStore        *self,
                                      const char     *farm_uuid,
                                      GError        **error);
  gboolean    (*get_counts)          (FwStore        *self,
                                      FwStoreCounts  *counts,
                                      GError        **error);
  FwAlert    *(*save_alert)          (FwStore        *self,
                                      FwAlert        *alert,
                                      const FwAlertEvent *event,
                                      FwTime          now,
                                      GError        **error);
};

GQuark      fw_store_error_quark     (void);

gboolean    fw_store_ping            (FwStore        *self,
                                      GError        **error);
const char *fw_store_get_epoch       (FwStore        *self);
FwUser     *fw_store_find_user       (FwStore        *self,
                                      const char     *username,
                                      GError        **error);
GPtrArray  *fw_store_list_users      (FwStore        *self,
                                      GError        **error);
gboolean    fw_store_add_user        (FwStore        *self,
                                      FwUser         *user,
                                      const char     *password_hash,
                                      GError        **error);
gboolean    fw_store_add_session     (FwStore        *self,
                                      FwUser         *user,
                                      const char     *token_hash,
                                      FwTime          expires_at,
                                      GError        **error);
FwUser     *fw_store_find_session    (FwStore        *self,
                                      const char     *token_hash,
                                      FwTime          now,
                                      GError        **error);
gboolean    fw_store_remove_session  (FwStore        *self,
                                      const char     *token_hash,
                                      GError        **error);
gboolean    fw_store_throttle_login  (FwStore        *self,
                                      const char     *key,
                                      FwLoginAttempt  attempt,
                                      FwTime          now,
                                      guint           window,
                                      guint          *failures,
                                      FwTime         *window_start,
                                      GError        **error);
gboolean    fw_store_add_device      (FwStore        *self,
                                      const char     *farm_uuid,
                                      const char     *name,
                                      const char     *token_hash,
                                      char          **uuid,
                                      GError        **error);
FwDevice   *fw_store_find_device     (FwStore        *self,
                                      const char     *token_hash,
                                      GError        **error);
GPtrArray  *fw_store_list_records    (FwStore        *self,
                                      FwEntity        entity,
                                      const char     *farm_uuid,
                                      const char     *parent_uuid,
                                      GError        **error);
JsonNode   *fw_store_get_record      (FwStore        *self,
                                      FwEntity        entity,
                                      const char     *uuid,
                                      char          **farm_uuid,
                                      GError        **error);
GPtrArray  *fw_store_apply_mutations (FwStore        *self,
                                      FwUser         *user,
                                      GPtrArray      *mutations,
                                      FwTime          now,
                                      GError        **error);
GPtrArray  *fw_store_pull            (FwStore        *self,
                                      FwUser         *user,
                                      gint64          after,
                                      guint           limit,
                                      gint64         *last,
                                      gboolean       *more,
                                      GError        **error);
gboolean    fw_store_ingest          (FwStore        *self,
                                      FwDevice       *device,
                                      GPtrArray      *batches,
                                      FwTime          now,
                                      GError        **error);
GArray     *fw_store_query_readings  (FwStore        *self,
                                      const char     *sensor_uuid,
                                      FwTime          from,
                                      FwTime          to,
                                      FwResolution    resolution,
                                      guint           limit,
                                      GError        **error);
GPtrArray  *fw_store_farm_readings   (FwStore        *self,
                                      const char     *farm_uuid,
                                      FwTime          from,
                                      FwTime          to,
                                      gint64          after_sensor,
                                      FwTime          after_time,
                                      guint           limit,
                                      GError        **error);
GPtrArray  *fw_store_latest_readings (FwStore        *self,
                                      const char     *farm_uuid,
                                      GError        **error);
gboolean    fw_store_get_counts      (FwStore        *self,
                                      FwStoreCounts  *counts,
                                      GError        **error);
FwAlert    *fw_store_save_alert      (FwStore        *self,
                                      FwAlert        *alert,
                                      const FwAlertEvent *event,
                                      FwTime          now,
                                      GError        **error);

G_END_DECLS
