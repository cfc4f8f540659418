/* SPDX-License-Identifier: Apache-2.0 */
/* Turn unsafe or thread-hostile libc functions into compile errors; included last. */
#ifndef PCL_CORE_BANNED_H
#define PCL_CORE_BANNED_H

#define PCL_BANNED(func) sorry_##func##_is_banned

#undef strcpy
#define strcpy(x, y) PCL_BANNED(strcpy)
#undef strcat
#define strcat(x, y) PCL_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) PCL_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) PCL_BANNED(strncat)
#undef sprintf
#define sprintf(...) PCL_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) PCL_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) PCL_BANNED(strtok)
#undef gets
#define gets(x) PCL_BANNED(gets)
#undef atoi
#define atoi(x) PCL_BANNED(atoi)
#undef rand
#define rand() PCL_BANNED(rand)
#undef gmtime
#define gmtime(x) PCL_BANNED(gmtime)
#undef localtime
#define localtime(x) PCL_BANNED(localtime)

#endif
