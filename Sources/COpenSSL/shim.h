#ifndef HEADWATER_COPENSSL_SHIM_H
#define HEADWATER_COPENSSL_SHIM_H
/* SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, whose provider look-up on
   every call is what HMACSHA256 avoids; they remain in libcrypto 3. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#endif
