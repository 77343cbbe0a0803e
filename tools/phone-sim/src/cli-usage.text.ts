export const CLI_USAGE = `usage: phone-sim <command> --url <https://host:18443/DeploymentService/LoginService> [options]

commands (each plays one flow of protocol.md §6 and follows the service until it ends it):
  startup                  start-up (§6.1); with --phones N a storm of N distinct phones
  solicited                solicited (§6.4), as after a contact-me
  local-changes            local-changes (§6.2); --attached (≥ V2R2 form) or --flag-only (≤ V2R1);
                           default by firmware; the changed items are --item (default lldp-enabled toggled)
  inventory-changes        inventory-changes, the --item values (default key-modules=1)
  status                   status with file-deployment-* items, one --file per file (§6.7)
  clean-up                 clean-up with --cleanup-reason (default "password retries exceeded")
  interact                 any --reason, known or not, with the basic items and the --item values
  stray-reply              a reply-to for an action never received (--reply-action, --reply-status)
  listen                   serve contact-me (§2.5) and call back with solicited; until Ctrl-C or
                           --count call-backs
  dcmp-poll                GET <--dcmp-url>/dcmp/contact-me?device-id=<MAC> (§2.6); 202 → solicited;
                           --count polls, --interval ms apart
  families                 list the firmware families for --family

phone:
  --url <url>              service URL; repeat it to spread exchanges over several gateways
                           (exchange k of an interaction goes to url[k % count])
  --mac <mac>              default 00:1A:E8:00:00:01 (storms count up from it)
  --e164 <number>          default derived from the MAC
  --family <name>          model and firmware generation, e.g. openstage-40-v2, cp400-v1
  --device-type <text>     default "OpenStage 60" (or the family's)
  --software-version <v>   default "V3 R5.12.0" (or the family's)
  --items <n>              items in the ReadAllItems reply (default 200)
  --configuration-changed  send configuration-changed-flag=true
  --keep-alive             one kept-alive connection per interaction instead of Connection: close
  --no-tls-resume          full TLS handshake on every connection
  --cookie-quirk           echo cookies with "; path=/" appended, as some firmware does
  --timeout <ms>           per exchange (default 30000)
  --max-exchanges <n>      per interaction (default 20)

message content:
  --item <name[#index]=value>   repeatable; an item to send (local-changes, inventory-changes, interact)
  --file <name:type[:status]>   repeatable; a file to report (status; status default ok)
  --reason <text>               the reason for interact
  --cleanup-reason <text>
  --reply-action <Action>       default WriteItems; --reply-status <status> default accepted

behaviour (how the phone answers the service's actions):
  --fragment-size <n>      split ReadAllItems/ReadItems replies into fragments of n items
  --busy                   in a call: WriteItems → busy; with --idle-after <ms> the call ends then
                           and a remembered send-solicited makes the phone call back
  --unknown-item <name>    repeatable; answered "unknown item"
  --read-only <name>       repeatable; answered "read only" (replaces the default list)
  --item-status <name[#index]=status>   repeatable; e.g. sntp-addr=invalid data
  --refuse <Action>        repeatable; answered reply-to status="failed"
  --file-status ok|failed  result of FileDeployment transfers (default ok)
  --software-status ok|failed   result of a SoftwareDeployment download (default ok)
  --download-files         really GET file-https-base-url
  --status-in-same-interaction  send the FileDeployment status in the same interaction
  --no-follow-ups          no status / start-up / call-back interactions of the phone's own
  --max-follow-ups <n>     default 5
  --follow-up-delay <ms>   download / reboot time before a follow-up (default 0)
  --start-up-after-restart after Restart, start up again (as the rebooted phone would)

misbehaviour:
  --switch-mac-to <mac>    carry another MAC from the second message of an interaction on
  --reply-to-action <Action>    every reply-to names this action
  --endless-fragments      never send fragment="final"

contact-me listener (listen):
  --listen-host <host>     default 127.0.0.1; --listen-port <port> default 8085
  --advertised-host <host> host written into contact-me-uri
  --refuse-with <status>   answer this instead of 204 and never call back
  --response-delay <ms>    answer slowly; --no-call-back: answer 204 but do not call back
  --call-back-delay <ms>

DCMP (dcmp-poll):
  --dcmp-url <http://host:port>  --count <n> (default 1)  --interval <ms> (default 60000)

storm (startup only):
  --phones <n>             distinct phones doing one start-up each (default 1)
  --concurrency <n>        interactions in flight at once (default 1)
  --deadline <ms>          bound on a whole storm (default 300000)

output:
  --verbose                one phone: print every request and response; storm: print failed interactions
  --json                   print the result as JSON instead of text

Exit code: 0 all interactions ok, 1 any failed, 2 usage error.`;
