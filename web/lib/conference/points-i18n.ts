/** Words of the chair's roll call of conference points (PointsPanel.svelte), mounted as `conference.points`. */
export const pointsVi = {
  title: 'Điểm danh điểm cầu',
  search: 'Tìm điểm cầu',
  searchPlaceholder: 'Gõ tên, có dấu hoặc không dấu',
  summary: 'Đã kết nối {connected} · Đường truyền kém {poor} · Mất kết nối {lost} · Chưa vào {absent}',
  none: 'Không có điểm cầu nào khớp.',
  loadFailed: 'Không tải được danh sách điểm cầu: {message}',
  states: { connected: 'Đã kết nối', reconnecting: 'Mất kết nối, đang nối lại', waiting: 'Đang chờ vào', left: 'Đã rời', never: 'Chưa vào' },
  poorLink: 'Đường truyền kém',
  mutedByChair: 'Chủ trì tắt micro',
  unmute: 'Bỏ tắt micro',
  giveFloor: 'Trao quyền phát biểu',
  wallTitle: 'Điểm cầu trực tuyến',
  wallPage: 'Trang {page}/{pages}',
};

export type PointsDictionary = typeof pointsVi;

export const pointsEn: PointsDictionary = {
  title: 'Roll call of endpoints',
  search: 'Find an endpoint',
  searchPlaceholder: 'Type a name, with or without diacritics',
  summary: 'Connected {connected} · Poor link {poor} · Link lost {lost} · Not in {absent}',
  none: 'No endpoint matches.',
  loadFailed: 'Could not load the endpoints: {message}',
  states: { connected: 'Connected', reconnecting: 'Link lost, reconnecting', waiting: 'Waiting to enter', left: 'Left', never: 'Never joined' },
  poorLink: 'Poor link',
  mutedByChair: 'Muted by the chair',
  unmute: 'Lift mute',
  giveFloor: 'Give the floor',
  wallTitle: 'Endpoints online',
  wallPage: 'Page {page} of {pages}',
};
