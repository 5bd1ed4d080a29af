// What nearly every feature file uses: the database, tenancy and the API envelope, and Dapper over them.
global using App.Infrastructure.Database;
global using App.Infrastructure.Tenancy;
global using App.Infrastructure.Web;
global using Dapper;
