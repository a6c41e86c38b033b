/**
 * An attachment that plays one track in a <video> or <audio> element and
 * follows it when the track changes: `{@attach playTrack(track)}`.
 */
export function playTrack(track: MediaStreamTrack | null) {
  return (element: HTMLMediaElement) => {
    element.srcObject = track ? new MediaStream([track]) : null;
    if (track) void element.play().catch(() => undefined);
    return () => {
      element.srcObject = null;
    };
  };
}
