# Sourced by up.sh when KAFKA_SECURE=1: a keytool-made CA and broker certificate, SASL users, and the secure listeners.
# Needs KHOME, LIB, HERE, JAVA (array) and die() from up.sh.

SPORT="${KAFKA_SASL_SSL_PORT:-19094}"
OPORT="${KAFKA_OAUTH_PORT:-19095}"
TLS="$KHOME/tls"
SASL_USER="${KAFKA_SASL_TEST_USER:-fraudflow}"

# 1. TLS material, made once at start-up and kept (remade when missing or older than 300 days; valid 365 days).
secure_material() {
  command -v keytool >/dev/null || die "keytool not found on PATH (comes with the JDK, e.g. apt-get install -y openjdk-17-jdk-headless)" 2
  mkdir -p "$TLS" && chmod 700 "$TLS"
  [[ -s "$TLS/store.password" ]] || head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$TLS/store.password"
  [[ -s "$TLS/sasl.password" ]] || head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$TLS/sasl.password"
  chmod 600 "$TLS/store.password" "$TLS/sasl.password"
  STOREPW="$(cat "$TLS/store.password")"
  SASL_PASSWORD="$(cat "$TLS/sasl.password")"
  SECURE_FORMAT_ARGS=(--add-scram "SCRAM-SHA-256=[name=$SASL_USER,password=$SASL_PASSWORD]"
    --add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$SASL_PASSWORD]")
  if [[ -s "$TLS/ca.pem" && -s "$TLS/broker.p12" && -z "$(find "$TLS/ca.pem" -mtime +300)" ]]; then return 0; fi
  echo "local-kafka: making a CA and a broker certificate for 127.0.0.1 in $TLS (keytool)"
  rm -f "$TLS"/ca.p12 "$TLS"/ca.pem "$TLS"/broker.p12 "$TLS"/broker.csr "$TLS"/broker.pem
  local kt=(keytool -storetype PKCS12 -storepass "$STOREPW") log="$TLS/keytool.log"
  {
    "${kt[@]}" -genkeypair -keystore "$TLS/ca.p12" -alias ca -keyalg RSA -keysize 2048 -validity 365 \
      -dname "CN=fraudflow local Kafka CA" -ext bc:c
    "${kt[@]}" -exportcert -keystore "$TLS/ca.p12" -alias ca -rfc -file "$TLS/ca.pem"
    "${kt[@]}" -genkeypair -keystore "$TLS/broker.p12" -alias broker -keyalg RSA -keysize 2048 -validity 365 \
      -dname "CN=localhost"
    "${kt[@]}" -certreq -keystore "$TLS/broker.p12" -alias broker -file "$TLS/broker.csr"
    "${kt[@]}" -gencert -keystore "$TLS/ca.p12" -alias ca -infile "$TLS/broker.csr" -outfile "$TLS/broker.pem" -rfc \
      -validity 365 -ext SAN=ip:127.0.0.1,dns:localhost -ext KU=digitalSignature,keyEncipherment -ext EKU=serverAuth
    "${kt[@]}" -importcert -keystore "$TLS/broker.p12" -alias ca -file "$TLS/ca.pem" -noprompt
    "${kt[@]}" -importcert -keystore "$TLS/broker.p12" -alias broker -file "$TLS/broker.pem"
  } >"$log" 2>&1 || { cat "$log" >&2; die "keytool failed (log: $log)"; }
  rm -f "$TLS/broker.csr"
}

# 2. Listeners: SASL_SSL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; the path Confluent Cloud and MSK take) and
#    OAUTH = SASL_PLAINTEXT with OAUTHBEARER checked by Kafka's unsecured JWS validator (development only: alg none).
secure_listeners() { echo ",SASL_SSL://127.0.0.1:$SPORT,OAUTH://127.0.0.1:$OPORT"; }
secure_props() {
  cat <<PROPS
listener.name.sasl_ssl.ssl.keystore.location=$TLS/broker.p12
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.password=$STOREPW
listener.name.sasl_ssl.ssl.key.password=$STOREPW
listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER="$SASL_PASSWORD";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.oauth.sasl.enabled.mechanisms=OAUTHBEARER
listener.name.oauth.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";
listener.name.oauth.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler
listener.name.oauth.oauthbearer.connections.max.reauth.ms=3600000
PROPS
}

# 3. SCRAM users: written into fresh storage by the format (no broker round trip), or upserted on a running broker.
SECURE_FORMAT_ARGS=() # set by secure_material
secure_upsert_users() {
  local m # the broker alters one credential of a user per request
  for m in SCRAM-SHA-256 SCRAM-SHA-512; do
    "${JAVA[@]}" kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$PORT" --alter --entity-type users \
      --entity-name "$SASL_USER" --add-config "$m=[password=$SASL_PASSWORD]" >"$KHOME/scram.log" 2>&1 \
      || { grep -v "password=" "$KHOME/scram.log" | tail -n 5 >&2; die "could not create the $m user (log: $KHOME/scram.log)"; }
  done
}

# 4. What clients and tests need, as a file to source.
secure_env() {
  cat >"$KHOME/secure.env" <<ENV
export KAFKA_TEST_SECURE_BROKERS=127.0.0.1:$SPORT
export KAFKA_TEST_OAUTH_BROKERS=127.0.0.1:$OPORT
export KAFKA_TEST_SSL_CA_FILE=$TLS/ca.pem
export KAFKA_TEST_SASL_USERNAME=$SASL_USER
export KAFKA_TEST_SASL_PASSWORD=$SASL_PASSWORD
ENV
  chmod 600 "$KHOME/secure.env"
}
