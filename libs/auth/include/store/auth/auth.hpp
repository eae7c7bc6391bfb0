// store::auth — tokens, keys and request authentication. See libs/auth/README.md.
#pragma once

#include "store/auth/authenticator.hpp"
#include "store/auth/jws.hpp"
#include "store/auth/tokens.hpp"
#include "store/auth/secrets.hpp"
#include "store/auth/service_token.hpp"
