/* SPDX-License-Identifier: Apache-2.0 */
/* The bytes the gateway sends on: JSON bodies and SSE events serialised straight into
 * libevent buffers (no intermediate string, no copy of it), ready to hand to evhttp. Uses
 * evbuffers only, no event loop. */
#ifndef PCL_GATEWAY_ANSWER_H
#define PCL_GATEWAY_ANSWER_H

#include <event2/buffer.h>
#include <jansson.h>

#include "common.h"

/* Append j, serialised compactly (JSON_COMPACT, jansson's key order), to out. PCL_ENOMEM
 * when the buffer cannot grow; out may then hold part of the text. */
enum pcl_rc pcl_gw_answer_json(struct evbuffer *out, const json_t *j) PCL_WUR;

/* Append one SSE event to out: "event: <type>\n" when tlen > 0, then "data: <j>\n\n".
 * PCL_ENOMEM as pcl_gw_answer_json. */
enum pcl_rc pcl_gw_answer_event(struct evbuffer *out, const char *type, size_t tlen,
                                const json_t *j) PCL_WUR;

#endif
