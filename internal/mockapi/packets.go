package mockapi

import (
	"crypto/hmac"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// storageProtocol is the optional prefix of a stored object's path (s3://…).
var storageProtocol = regexp.MustCompile(`^[a-z0-9]+://(.+)$`)

// servePacket presigns a GET of any safe path in object storage, as the
// service does: whether the object exists is object storage's business.
func (s *Server) servePacket(w http.ResponseWriter, r *http.Request) {
	if !isRead(r) {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	if !s.authorized(w, r) {
		return
	}
	name, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), packetsPath))
	if m := storageProtocol.FindStringSubmatch(name); m != nil {
		name = m[1]
	}
	if err != nil || !safePacketPath(name) {
		writeError(w, http.StatusBadRequest, "Invalid packet storage path")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"presignedUrl": s.presign(baseURLOf(r), name)})
}

// presign is a GET URL of a stored object, valid for presignedLifetime.
func (s *Server) presign(baseURL, name string) string {
	expires := strconv.FormatInt(s.now().Add(presignedLifetime).Unix(), 10)
	return baseURL + storagePath + url.PathEscape(name) + "?expires=" + expires + "&signature=" + s.sign(name, expires)
}

// safePacketPath refuses what the service refuses to presign: empty, absolute
// or backslashed paths, and empty, . or .. segments, percent-encoded too.
func safePacketPath(path string) bool {
	if path == "" || strings.HasPrefix(path, "/") || strings.Contains(path, `\`) {
		return false
	}
	for segment := range strings.SplitSeq(path, "/") {
		decoded, err := url.PathUnescape(segment)
		if segment == "" || err != nil || decoded == "." || decoded == ".." || strings.Contains(decoded, "/") {
			return false
		}
	}
	return true
}

// serveStorage is object storage: a presigned URL's signature and expiry are
// checked, no API key.
func (s *Server) serveStorage(w http.ResponseWriter, r *http.Request) {
	name, err := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), storagePath))
	expires := r.URL.Query().Get("expires")
	deadline, deadlineErr := strconv.ParseInt(expires, 10, 64)
	s.mu.Lock()
	b, stored := s.blobs[name]
	s.mu.Unlock()
	switch {
	case !isRead(r):
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
	case err != nil || deadlineErr != nil || !hmac.Equal([]byte(r.URL.Query().Get("signature")), []byte(s.sign(name, expires))):
		writeError(w, http.StatusForbidden, "Invalid signature")
	case s.now().Unix() >= deadline:
		writeError(w, http.StatusForbidden, "Request has expired")
	case !stored:
		writeError(w, http.StatusNotFound, "NoSuchKey")
	default:
		w.Header().Set("Content-Type", b.contentType)
		_, _ = w.Write(b.data)
	}
}

// sign is a presigned URL's signature of an object's name and expiry.
func (s *Server) sign(name, expires string) string {
	return hex.EncodeToString(s.mac("storage\n" + name + "\n" + expires))
}
