package mockapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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
	env := s.environmentID()
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
	}{env, true, []string{"write:waitpoints:" + id}, "https://id.trigger.dev", "https://api.trigger.dev", now + publicTokenLifetime, now})
	enc := base64.RawURLEncoding
	signed := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	claimsJSON, _ := json.Marshal(struct {
		Sub string `json:"sub"`
		Pub bool   `json:"pub"`
	}{env, true})
	return signed + "." + enc.EncodeToString(s.mac(signed)), string(claimsJSON)
}

// environmentID is the mock environment's internal id: cuid-like, fixed by the key.
func (s *Server) environmentID() string {
	sum := sha256.Sum256([]byte("environment\n" + s.opts.APIKey))
	return "cm" + hex.EncodeToString(sum[:])[:23]
}

// verifyPublicToken returns the scopes of a public token the mock signed
// that has not expired.
func (s *Server) verifyPublicToken(token string) ([]string, bool) {
	dot := strings.LastIndexByte(token, '.')
	if dot < 0 {
		return nil, false
	}
	signed, signature := token[:dot], token[dot+1:]
	_, payload, ok := strings.Cut(signed, ".")
	got, err := base64.RawURLEncoding.DecodeString(signature)
	if !ok || err != nil || !hmac.Equal(got, s.mac(signed)) {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	var claims struct {
		Pub    bool     `json:"pub"`
		Scopes []string `json:"scopes"`
		Exp    int64    `json:"exp"`
	}
	if err != nil || json.Unmarshal(raw, &claims) != nil || !claims.Pub || claims.Exp <= s.now().Unix() {
		return nil, false
	}
	return claims.Scopes, true
}
