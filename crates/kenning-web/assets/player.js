// The lesson player: resumes where the learner left off, reports progress every few
// seconds, on pause, on seeking and at the end, and applies the playback-speed menu.
// It holds no text of its own; every label comes from the page.
(() => {
  for (const media of document.querySelectorAll('[data-player]')) {
    const figure = media.closest('figure');
    const speed = figure && figure.querySelector('[data-speed]');
    if (speed) {
      speed.addEventListener('change', () => {
        media.playbackRate = Number(speed.value);
      });
    }
    const resume = Number(media.dataset.resume || 0);
    const seek = () => {
      if (resume > 0 && resume < media.duration) media.currentTime = resume;
    };
    if (media.readyState >= 1) seek();
    else media.addEventListener('loadedmetadata', seek, { once: true });
    if (media.dataset.signedIn !== 'true') continue;

    let last = -1;
    const report = (ended) => {
      const position = Math.floor(media.currentTime * 1000);
      if (!ended && position === last) return;
      last = position;
      const body = new URLSearchParams({
        csrf: media.dataset.csrf,
        position_ms: String(position),
        ended: String(Boolean(ended)),
      });
      if (Number.isFinite(media.duration)) {
        body.set('duration_ms', String(Math.floor(media.duration * 1000)));
      }
      fetch(`/lessons/${media.dataset.lesson}/progress`, {
        method: 'POST',
        body,
        credentials: 'same-origin',
        keepalive: true,
      }).catch(() => {});
    };
    setInterval(() => {
      if (!media.paused) report(false);
    }, 5000);
    media.addEventListener('pause', () => report(false));
    media.addEventListener('seeked', () => report(false));
    media.addEventListener('ended', () => report(true));
    window.addEventListener('pagehide', () => report(false));
  }
})();
