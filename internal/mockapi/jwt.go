package mockapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// publicTokenLifetime is how long the public token a create answers with lasts.
const publicTokenLifetime = 24 * 60 * 60 // seconds

// publicToken is what a create answers in x-trigger-jwt and
// x-trigger-jwt-claims: a public access token scoped to completing the new
// token, an HS256 JWT signed with the environment's secret key as the service
// signs it, and its claims. The official SDK cannot sign one itself with an
// additional (tr_*_sk_) key, so it needs them.
func (s *Server) publicToken(id string) (token, claims string) {
	claimsJSON, _ := json.Marshal(struct {
		Sub string `json:"sub"`
		Pub bool   `json:"pub"`
	}{s.environmentID(), true})
	return s.signJWT([]string{"write:waitpoints:" + id}, publicTokenLifetime), string(claimsJSON)
}

// signJWT is a public access token with scopes, lasting lifetime seconds: an
// HS256 JWT signed with the environment's secret key as the service signs it.
func (s *Server) signJWT(scopes []string, lifetime int64) string {
	now := s.now().Unix()
	header, _ := json.Marshal(map[string]string{"alg": "HS256"})
	payload, _ := json.Marshal(struct {
		Sub    string   `json:"sub"`
		Pub    bool     `json:"pub"`
		Scopes []string `json:"scopes"`
		Iss    string   `json:"iss"`
		Aud    string   `json:"aud"`
		Exp    int64    `json:"exp"`
		Iat    int64    `json:"iat"`
	}{s.environmentID(), true, scopes, jwtIssuer, jwtAudience, now + lifetime, now})
	enc := base64.RawURLEncoding
	signed := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	return signed + "." + enc.EncodeToString(s.mac(signed))
}

// environmentID is the mock environment's internal id: cuid-like, fixed by the key.
func (s *Server) environmentID() string {
	sum := sha256.Sum256([]byte("environment\n" + s.opts.APIKey))
	return "cm" + hex.EncodeToString(sum[:])[:23]
}

// isPublicToken reports whether a bearer is a public access token as the
// service tells them: a JWT whose payload says "pub": true.
func isPublicToken(token string) bool {
	claims, ok := publicTokenClaims(token)
	return ok && claims.Pub
}

type tokenClaims struct {
	Sub    string          `json:"sub"`
	Pub    bool            `json:"pub"`
	Scopes []string        `json:"scopes"`
	Iss    string          `json:"iss"`
	Aud    json.RawMessage `json:"aud"` // a string or an array of them
	Exp    *int64          `json:"exp"` // nil: the token does not expire
	Nbf    int64           `json:"nbf"`
}

// JWT claims the service requires of a public token (jose's issuer and
// audience checks).
const (
	jwtIssuer   = "https://id.trigger.dev"
	jwtAudience = "https://api.trigger.dev"
)

// validAt reports whether the claims pass jose's checks at now: the
// issuer, an audience that is or holds the service's, no expiry or one
// to come, and a not-before that has passed.
func (c tokenClaims) validAt(now int64) bool {
	var audiences []string
	if json.Unmarshal(c.Aud, &audiences) != nil {
		var one string
		if json.Unmarshal(c.Aud, &one) != nil {
			return false
		}
		audiences = []string{one}
	}
	return c.Iss == jwtIssuer && slices.Contains(audiences, jwtAudience) && (c.Exp == nil || *c.Exp > now) && c.Nbf <= now
}

func publicTokenClaims(token string) (tokenClaims, bool) {
	var claims tokenClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	return claims, err == nil && json.Unmarshal(raw, &claims) == nil
}

// verifyPublicToken returns the scopes of a public token, or the service's
// refusal: one for a token of another environment, one for a token that is
// not signed with the key or fails jose's claim checks (validAt).
func (s *Server) verifyPublicToken(token string) (scopes []string, refusal string) {
	claims, _ := publicTokenClaims(token)
	if claims.Sub != s.environmentID() {
		return nil, "Invalid Public Access Token"
	}
	dot := strings.LastIndexByte(token, '.')
	got, err := base64.RawURLEncoding.DecodeString(token[dot+1:])
	if err != nil || !hmac.Equal(got, s.mac(token[:dot])) || !claims.validAt(s.now().Unix()) {
		return nil, "Public Access Token is invalid"
	}
	if claims.Scopes == nil {
		return []string{}, "" // a public token all the same: nil is the secret key's
	}
	return claims.Scopes, ""
}

// resource is what a route's authorization names: a type (runs, tasks,
// tags, waitpoints) and an id.
type resource struct{ kind, id string }

// permits reports whether a public token's scopes allow action on any of
// resources, as the service's JWT ability reads a scope: action:type[:id],
// everything after the second colon the id; the action * is any action, the
// type all any resource, and a bare admin everything.
func permits(scopes []string, action string, resources ...resource) bool {
	for _, scope := range scopes {
		act, rest, _ := strings.Cut(scope, ":")
		kind, id, _ := strings.Cut(rest, ":")
		switch {
		case act == "admin" && kind == "":
			return true
		case act != action && act != "*":
			continue
		case kind == "all":
			return true
		}
		for _, r := range resources {
			if kind == r.kind && (id == "" || id == r.id) {
				return true
			}
		}
	}
	return false
}
