/* SPDX-License-Identifier: Apache-2.0 */
/* Jansson's allocator in the gateway: while a request's code runs, the JSON trees it builds
 * live in the request's arena, so parsing and editing a body costs no malloc/free per node. */
#ifndef PCL_GATEWAY_JMEM_H
#define PCL_GATEWAY_JMEM_H

#include <jansson.h>

#include "common.h"

/* Allocations above this size go to the heap even inside a scope: they are the growing
 * buffers of big strings, which would otherwise leave every smaller copy in the arena. */
#define PCL_GW_JMEM_BIG (16u << 10)

/* Route jansson's allocations through this module, process-wide (json_set_alloc_funcs).
 * Outside a scope they are pcl_malloc/pcl_free, so other threads and other modules see the
 * heap as before. Idempotent; call before threads that use jansson start. */
void pcl_gw_jmem_install(void);

/* Open a scope on this thread: until the matching pcl_gw_jmem_leave, jansson allocates from
 * a (heap when a is full or the block is big), and a free of a's memory is a no-op. Returns
 * the scope it replaces (scopes nest), to hand to pcl_gw_jmem_leave. A JSON value made in a
 * scope must be released (json_decref) in a scope of the same arena, or not at all before
 * the arena goes: its heap parts are found by pcl_arena_owns. */
struct pcl_arena *pcl_gw_jmem_enter(struct pcl_arena *a);
void pcl_gw_jmem_leave(struct pcl_arena *prev);

#endif
