int flowc_cli_placeholder;
