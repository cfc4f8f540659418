# SPDX-License-Identifier: Apache-2.0
# Warning, hardening and sanitizer flags (STYLE.md §8).
set(PCL_C_FLAGS
    -Wall -Wextra -Wpedantic -Wformat=2 -Wconversion -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wold-style-definition -Wwrite-strings -Wcast-qual -Wpointer-arith
    -Wundef -Wvla -Wimplicit-fallthrough -Wnull-dereference)
set(PCL_LINK_FLAGS "")
if(PCL_WERROR)
    list(APPEND PCL_C_FLAGS -Werror)
endif()
if(PCL_HARDEN)
    list(APPEND PCL_C_FLAGS -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong
        -fstack-clash-protection -fcf-protection=full)
    list(APPEND PCL_LINK_FLAGS -pie -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed)
endif()
if(PCL_SANITIZE)
    add_compile_options(-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined
        -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
endif()
if(PCL_FUZZ)
    add_compile_options(-g -O1 -fsanitize=fuzzer-no-link,address,undefined)
    add_link_options(-fsanitize=address,undefined)
endif()
