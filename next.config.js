/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and network-heavy server packages stay outside the bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "@azure/msal-node"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
