# Helpers for Shiny apps that show <connect-refresh-button>. Source this file from app.R:
#
#   source("connect_refresh.R")
#
# It needs htmltools, jsonlite and openssl, and shiny for the session defaults. It is not an
# R package, so copy it into the app's directory beside the element's bundle (see the README's
# Shiny section).

#' Version of the element's bundle that the HTML dependency names. Shiny serves each dependency
#' name and version once per page. scripts/write-version.mjs sets it to the npm package's
#' version at every build.
connect_refresh_version <- "0.1.0"

#' Build the HTML dependency that loads the element's drop-in bundle.
#'
#' Shiny serves every file in the directory of a dependency, not only its script, so this
#' function never points the dependency at `bundle_dir` itself. It copies the script (and its
#' source map, when there is one) into a directory of R's session temporary directory that
#' holds nothing else, and the dependency points there. An app may therefore keep the bundle
#' in its own directory, beside `.Renviron` and `app.R`, without publishing them.
#'
#' @param bundle_dir Directory that contains `connect-refresh-button.iife.js` (and, for
#'   `module = TRUE`, `connect-refresh-button.js`): the `dist/browser` folder of a build of the
#'   npm package, or a copy of it in the app's directory. Relative paths are resolved against
#'   the working directory, which is the app's directory when Shiny runs the app.
#' @param module `FALSE` loads the classic script, `TRUE` the ES module.
connect_refresh_dependency <- function(
    bundle_dir = Sys.getenv("CONNECT_REFRESH_BUNDLE_DIR", "connect-refresh"),
    module = FALSE) {
  script_file <- if (module) "connect-refresh-button.js" else "connect-refresh-button.iife.js"
  script_path <- file.path(bundle_dir, script_file)
  if (!file.exists(script_path)) {
    stop(
      "connect_refresh_dependency(): ", script_path, " not found. Set bundle_dir (or ",
      "CONNECT_REFRESH_BUNDLE_DIR) to a directory with the element's bundle, such as the ",
      "dist/browser folder that `npm run build` writes.",
      call. = FALSE
    )
  }
  files <- c(script_file, paste0(script_file, ".map"))
  files <- files[file.exists(file.path(bundle_dir, files))]
  script <- if (module) list(src = script_file, type = "module") else script_file
  htmltools::htmlDependency(
    name = "connect-refresh-button",
    version = connect_refresh_version,
    src = c(file = connect_refresh_served_dir(bundle_dir, files)),
    script = script,
    all_files = FALSE
  )
}

# Copies `files` from `bundle_dir` into a directory for this version of the bundle under
# tempdir(), which contains only bundle files, and returns its path. A file whose copy is
# already current stays as it is. Others are copied beside the directory and then renamed
# into it, so Shiny never serves a half-written file.
connect_refresh_served_dir <- function(bundle_dir, files) {
  parent_dir <- tempdir(check = TRUE)
  served_dir <- file.path(parent_dir, paste0("connect-refresh-button-", connect_refresh_version))
  dir.create(served_dir, showWarnings = FALSE)
  for (file in files) {
    source_path <- file.path(bundle_dir, file)
    target_path <- file.path(served_dir, file)
    if (file.exists(target_path) &&
        identical(unname(tools::md5sum(source_path)), unname(tools::md5sum(target_path)))) {
      next
    }
    staged_path <- tempfile("connect-refresh-", tmpdir = parent_dir)
    if (!file.copy(source_path, staged_path) || !file.rename(staged_path, target_path)) {
      unlink(staged_path)
      stop("connect_refresh_dependency(): copying ", source_path, " to ", served_dir,
           " failed.", call. = FALSE)
    }
  }
  normalizePath(served_dir, mustWork = TRUE)
}

#' Build a <connect-refresh-button> tag with the bundle attached.
#'
#' Each completion (success or error) of the element sets the Shiny input `input[[id]]` to a
#' list with `sequence`, `fired_at`, `outcome` ("success" or "error"), `report`, `handle`,
#' `state`, `last_rendered_at` and `error` (`code`, `message`, `gateway_message`), so
#' `observeEvent(input[[id]], ...)` runs once for every completion.
#'
#' @param id Element id and name of the Shiny input.
#' @param gateway Base URL of the refresh gateway.
#' @param report Name of the report in the gateway's configuration.
#' @param token Signed user token for the gateway, such as the value of
#'   `connect_refresh_token()`, or `NULL` for a gateway that admits anonymous requests.
#' @param label Text of the button, or `NULL` for the element's default ("Refresh data").
#' @param ... Further attributes of the element, such as `notify = NA` or
#'   `"confirm-within" = 600`.
#' @param dependency HTML dependency of the bundle; see `connect_refresh_dependency()`.
connect_refresh_button <- function(id, gateway, report, token = NULL, label = NULL, ...,
                                   dependency = connect_refresh_dependency()) {
  stopifnot(
    is.character(id), length(id) == 1, nzchar(id),
    is.character(gateway), length(gateway) == 1, nzchar(gateway),
    is.character(report), length(report) == 1, nzchar(report)
  )
  tag <- htmltools::tag("connect-refresh-button", list(
    id = id, gateway = gateway, report = report, token = token, label = label, ...
  ))
  htmltools::attachDependencies(tag, dependency, append = TRUE)
}

#' Shortest token lifetime in seconds that `connect_refresh_token()` accepts. A token that
#' expires within seconds may be stale before the browser sends it to the gateway.
connect_refresh_min_lifetime_s <- 10

# Stops with an error that names the argument when the user, groups or lifetime of a token is
# invalid, so that a mistake shows in the app and not as a 401 from the gateway later.
connect_refresh_check_claims <- function(user, groups, lifetime_s) {
  if (!is.character(user) || length(user) != 1 || is.na(user) || !nzchar(user)) {
    stop(
      "connect_refresh_token(): user must be one non-empty string, such as session$user; ",
      "got ", connect_refresh_describe(user), ".",
      call. = FALSE
    )
  }
  if (!is.null(groups) && (!is.character(groups) || anyNA(groups))) {
    stop(
      "connect_refresh_token(): groups must be a character vector without NA, such as ",
      "session$groups, or NULL; got ", connect_refresh_describe(groups), ".",
      call. = FALSE
    )
  }
  if (!is.numeric(lifetime_s) || length(lifetime_s) != 1 || !is.finite(lifetime_s) ||
      lifetime_s < connect_refresh_min_lifetime_s) {
    stop(
      "connect_refresh_token(): lifetime_s must be a finite number of seconds of at least ",
      connect_refresh_min_lifetime_s, "; got ", connect_refresh_describe(lifetime_s), ".",
      call. = FALSE
    )
  }
}

# Describes a value for an error message: a single number or NA as itself with its class,
# anything else by class and length only, so that no string value reaches the message.
connect_refresh_describe <- function(value) {
  if (length(value) == 1 && (is.numeric(value) || is.logical(value))) {
    return(paste0(format(value), " (", class(value)[1], ")"))
  }
  paste0("a value of class ", class(value)[1], " and length ", length(value))
}

# Encodes a raw vector or a string as base64url without padding (RFC 7515, section 2).
connect_refresh_base64url <- function(x) {
  if (is.character(x)) x <- charToRaw(enc2utf8(x))
  encoded <- openssl::base64_encode(x, linebreaks = FALSE)
  encoded <- chartr("+/", "-_", encoded)
  sub("=+$", "", encoded)
}

#' Mint the gateway's signed user token (an HS256 JWT) for the Shiny session's user.
#'
#' The token carries `sub` (the user), `groups`, `iat` and `exp`, and `iss` and `aud` when
#' given. The gateway's `auth.jwt` settings must name the same secret variable, issuer and
#' audience, and accept `lifetime_s` (its `max_lifetime_s`, 3600 s by default).
#'
#' @param session Shiny session. On Connect, `session$user` is the signed-in visitor's user
#'   name and `session$groups` their groups. Outside Connect both are `NULL`, so pass `user`.
#' @param user,groups User name and group names for the token.
#' @param secret_env Environment variable that contains the HMAC secret, at least 32 bytes.
#' @param lifetime_s Seconds until the token expires, at least
#'   `connect_refresh_min_lifetime_s`.
#' @param issuer,audience Values of `iss` and `aud`, or `NULL` to leave them out.
#' @param now Time the token is issued.
#' @return The token, a string of three base64url parts.
connect_refresh_token <- function(session = shiny::getDefaultReactiveDomain(),
                                  user = session$user,
                                  groups = session$groups,
                                  secret_env = "CONNECT_REFRESH_JWT_SECRET",
                                  lifetime_s = 900,
                                  issuer = NULL,
                                  audience = NULL,
                                  now = Sys.time()) {
  if (is.null(user)) {
    stop(
      "connect_refresh_token(): no user name. session$user is NULL outside Connect and for ",
      "anonymous visitors; pass user = \"name\" or require a sign-in for the app.",
      call. = FALSE
    )
  }
  connect_refresh_check_claims(user, groups, lifetime_s)
  secret <- Sys.getenv(secret_env)
  if (!nzchar(secret)) {
    stop(
      "connect_refresh_token(): environment variable ", secret_env, " is not set. Set it to ",
      "the secret that the gateway's auth.jwt.secret_env names.",
      call. = FALSE
    )
  }
  if (length(charToRaw(enc2utf8(secret))) < 32) {
    stop(
      "connect_refresh_token(): environment variable ", secret_env, " contains fewer than ",
      "32 bytes; the gateway rejects shorter HS256 secrets.",
      call. = FALSE
    )
  }

  issued_at <- floor(as.numeric(now))
  claims <- list(sub = user, groups = I(as.character(groups)), iat = issued_at,
                 exp = issued_at + floor(lifetime_s))
  if (!is.null(issuer)) claims$iss <- issuer
  if (!is.null(audience)) claims$aud <- audience

  header <- jsonlite::toJSON(list(alg = "HS256", typ = "JWT"), auto_unbox = TRUE)
  payload <- jsonlite::toJSON(claims, auto_unbox = TRUE, digits = NA)
  signing_input <- paste0(connect_refresh_base64url(header), ".",
                          connect_refresh_base64url(payload))
  signature <- openssl::sha256(charToRaw(signing_input), key = secret)
  paste0(signing_input, ".", connect_refresh_base64url(unclass(signature)))
}
