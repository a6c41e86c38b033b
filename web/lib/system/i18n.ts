/**
 * Words of system-wide notices (the demo banner), Vietnamese first; mounted
 * as `system` in web/lib/i18n/vi.ts and en.ts (i18n.m.system.*).
 */
export const systemVi = {
  demoBanner: 'Bản dùng thử: các tài khoản mẫu với mật khẩu công khai vẫn đang hoạt động. Không dùng cho cuộc họp thật; quản trị viên hãy đổi mật khẩu hoặc khóa các tài khoản này.',
};

export const systemEn: typeof systemVi = {
  demoBanner: 'Demo: the sample accounts with their published password are still active. Do not use this for real meetings; an administrator should change their passwords or deactivate them.',
};
