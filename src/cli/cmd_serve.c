/* SPDX-License-Identifier: Apache-2.0 */
/* `portcullis serve` (the gateway) and `portcullis config check`. */
#include "cli.h"

#include <portcullis/gateway.h>

#include <getopt.h>

static const char serve_usage[] =
    "usage: portcullis serve [--config FILE] [--port-file FILE]\n"
    "\n"
    "Run the gateway in front of the upstreams the config names (docs/gateway.md).\n"
    "SIGTERM/SIGINT drain in-flight requests and exit; SIGHUP reloads the config.\n"
    "\n"
    "  -c, --config FILE     configuration (default: portcullis.yaml)\n"
    "      --port-file FILE  write the bound port here once listening (port 0 = any)\n";

int
pcl_cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"port-file", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct pcl_gw_opts o = {.config_path = "portcullis.yaml", .cache_dir = pcl_cli_cache_dir()};
    struct pcl_gw_config *cfg = NULL;
    struct pcl_gw *gw = NULL;
    struct pcl_err err;
    int ch;

    optind = 1;
    for (;;) {
        ch = getopt_long(argc, argv, "c:h", opts, NULL); /* NOLINT(concurrency-mt-unsafe) */
        if (ch == -1) {
            break;
        }
        if (ch == 'c') {
            o.config_path = optarg;
        } else if (ch == 'p') {
            o.port_file = optarg;
        } else if (ch == 'h') {
            printf("%s", serve_usage);
            return PCL_EXIT_OK;
        } else {
            (void)fprintf(stderr, "%s", serve_usage);
            return PCL_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        pcl_cli_error("serve", "unexpected argument \"%s\"", argv[optind]);
        return PCL_EXIT_USAGE;
    }
    if (pcl_gw_config_load(o.config_path, o.cache_dir, &cfg, &err) != PCL_OK) {
        pcl_cli_error("serve", "%s", err.msg);
        return PCL_EXIT_USAGE;
    }
    if (pcl_gw_new(&o, cfg, &gw, &err) != PCL_OK) {
        pcl_cli_error("serve", "%s", err.msg);
        return PCL_EXIT_ERROR;
    }
    (void)fprintf(stderr, "portcullis: serve: listening (config %s)\n", o.config_path);
    if (pcl_gw_run(gw, &err) != PCL_OK) {
        pcl_cli_error("serve", "%s", err.msg);
        pcl_gw_free(gw);
        return PCL_EXIT_ERROR;
    }
    pcl_gw_free(gw);
    (void)fprintf(stderr, "portcullis: serve: stopped\n");
    return PCL_EXIT_OK;
}

int
pcl_cmd_config(int argc, char **argv)
{
    struct pcl_gw_config *cfg = NULL;
    struct pcl_err err;
    struct pcl_buf b;
    const char *path = "portcullis.yaml";

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "check") != 0) {
        (void)fprintf(argc >= 2 && strcmp(argv[1], "check") != 0 && argv[1][0] != '-' ? stderr
                                                                                      : stdout,
                      "usage: portcullis config check [FILE]\n\nLoad and validate a gateway "
                      "configuration (default portcullis.yaml) and print what it sets up.\n");
        return argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
                   ? PCL_EXIT_OK
                   : PCL_EXIT_USAGE;
    }
    if (argc > 3) {
        pcl_cli_error("config", "check takes one file");
        return PCL_EXIT_USAGE;
    }
    if (argc == 3) {
        path = argv[2];
    }
    if (pcl_gw_config_load(path, pcl_cli_cache_dir(), &cfg, &err) != PCL_OK) {
        pcl_cli_error("config", "%s", err.msg);
        return PCL_EXIT_USAGE;
    }
    pcl_buf_init(&b, 0);
    if (pcl_gw_config_describe(cfg, &b) == PCL_OK) {
        printf("%s: ok\n%s", path, b.ptr != NULL ? b.ptr : "");
    }
    pcl_buf_fini(&b);
    pcl_gw_config_free(cfg);
    return PCL_EXIT_OK;
}
