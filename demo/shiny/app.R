# A Shiny dashboard with <connect-refresh-button>: it shows the orders report's data.csv and
# reads it again each time a refresh ends. `npx tsx demo/shiny/start.ts` starts it with the
# Connect stand-in and a gateway; the settings come from these environment variables:
#
#   CONNECT_REFRESH_GATEWAY      base URL of the refresh gateway (required)
#   CONNECT_REFRESH_DATA_URL     URL of the report's data.csv (required)
#   CONNECT_REFRESH_REPORT       report name in the gateway's configuration; default "orders"
#   CONNECT_REFRESH_BUNDLE_DIR   directory with the element's bundle; default ../../dist/browser
#   CONNECT_REFRESH_JWT_SECRET   HS256 secret shared with the gateway's auth.jwt settings
#   CONNECT_REFRESH_JWT_ISSUER, CONNECT_REFRESH_JWT_AUDIENCE   optional iss and aud claims
#   CONNECT_REFRESH_DEMO_USER, CONNECT_REFRESH_DEMO_GROUPS   user and comma-separated groups
#     for the token when the session has no user, as when the app runs outside Connect
library(shiny)

# A deployed app carries its own copy of the helper; in this repository it is in r/.
helper <- if (file.exists("connect_refresh.R")) "connect_refresh.R" else "../../r/connect_refresh.R"
source(helper)

required_setting <- function(name) {
  value <- Sys.getenv(name)
  if (!nzchar(value)) stop("Environment variable ", name, " is not set; see demo/shiny/app.R.")
  value
}

optional_setting <- function(name) {
  value <- Sys.getenv(name)
  if (nzchar(value)) value else NULL
}

gateway_url <- required_setting("CONNECT_REFRESH_GATEWAY")
data_url <- required_setting("CONNECT_REFRESH_DATA_URL")
report_name <- Sys.getenv("CONNECT_REFRESH_REPORT", "orders")
bundle_dir <- Sys.getenv("CONNECT_REFRESH_BUNDLE_DIR", "../../dist/browser")
demo_user <- optional_setting("CONNECT_REFRESH_DEMO_USER")
demo_groups <- strsplit(Sys.getenv("CONNECT_REFRESH_DEMO_GROUPS"), ",", fixed = TRUE)[[1]]

# Seconds a token stays valid. The button is rebuilt with a fresh token well before that.
token_lifetime_s <- 900

# Returns the report's data, or NULL when the report has not rendered yet (404) or the read
# failed.
read_orders <- function() {
  tryCatch(
    suppressWarnings(utils::read.csv(url(data_url), stringsAsFactors = FALSE)),
    error = function(error) {
      message("Reading ", data_url, " failed: ", conditionMessage(error))
      NULL
    }
  )
}

ui <- fluidPage(
  lang = "en",
  titlePanel("Orders by region"),
  uiOutput("refresh_button"),
  tags$p(
    "Data read ", textOutput("read_count", inline = TRUE), " times after a refresh. ",
    "Last completion: ", textOutput("last_completion", inline = TRUE), "."
  ),
  tags$p("Rendered at ", textOutput("rendered_at", inline = TRUE), "."),
  tableOutput("orders")
)

server <- function(input, output, session) {
  user <- if (is.null(session$user)) demo_user else session$user
  groups <- if (is.null(session$user)) demo_groups else session$groups

  # renderUI builds the button after Shiny has connected; the element sends its completions
  # to input$orders_refresh all the same.
  output$refresh_button <- renderUI({
    invalidateLater(token_lifetime_s * 1000 * 2 / 3)
    token <- connect_refresh_token(
      session,
      user = user,
      groups = groups,
      lifetime_s = token_lifetime_s,
      issuer = optional_setting("CONNECT_REFRESH_JWT_ISSUER"),
      audience = optional_setting("CONNECT_REFRESH_JWT_AUDIENCE")
    )
    connect_refresh_button(
      "orders_refresh", gateway_url, report_name,
      token = token,
      dependency = connect_refresh_dependency(bundle_dir)
    )
  })

  orders <- reactiveVal(read_orders())
  read_count <- reactiveVal(0L)

  # Runs for every completion, also for two equal ones in a row, because each value differs.
  observeEvent(input$orders_refresh, {
    orders(read_orders())
    read_count(read_count() + 1L)
  })

  output$read_count <- renderText(read_count())
  output$last_completion <- renderText({
    completion <- input$orders_refresh
    if (is.null(completion)) {
      "none"
    } else {
      paste0("#", completion$sequence, " ", completion$outcome, " (", completion$state, ")")
    }
  })
  output$rendered_at <- renderText({
    data <- orders()
    if (is.null(data) || nrow(data) == 0) "not rendered yet" else data$rendered_at[1]
  })
  output$orders <- renderTable({
    data <- orders()
    if (!is.null(data)) data[, c("region", "orders", "revenue")]
  })
}

shinyApp(ui, server)
